// The conversion pipeline over an opened archive, shared by convertFile (CLI) and
// CoreMLModel::convert (in-memory archives, the Python package).
#pragma once

#include <string>

#include "archive/torchscript_archive.h"
#include "ts2coreml/convert.h"
#include "ts2coreml/model.h"

namespace ts2coreml::api {

// Compiles, lowers and writes `archive` to `outputPath` atomically, reporting each stage to
// `progress` (may be empty). Throws ts2coreml::Error.
ConversionReport convertArchive(const archive::TorchScriptArchive& archive,
                                const std::string& outputPath, const ConvertOptions& options,
                                const ProgressCallback& progress);

// Checks the options against each other and the target; throws Error naming the input/output.
void validateOptions(const ConvertOptions& options, DeploymentTarget target);

// True for [A-Za-z_][A-Za-z0-9_]*: names valid as Core ML features in both formats.
bool isFeatureName(const std::string& name);

}  // namespace ts2coreml::api
