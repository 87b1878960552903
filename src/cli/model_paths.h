// What the CLI needs to know about model paths: which kind of file a path names, and the
// specification version of a written Core ML model (for the one-line success message).
#pragma once

#include <optional>
#include <string>

namespace ts2coreml::cli {

// "out.mlpackage/" -> "out.mlpackage": shells complete directories with a trailing slash.
std::string withoutTrailingSlashes(std::string path);

// True when `path` ends in .mlpackage or .mlmodel (after trailing slashes).
bool isCoreMLModelPath(const std::string& path);

// Model.specificationVersion of a .mlmodel file or of the root model of a .mlpackage, read from
// the first bytes of the protobuf only (field 1 is serialized first), so multi-GB neural networks
// with inline weights are not parsed. Empty when it cannot be determined.
std::optional<int> readSpecificationVersion(const std::string& modelPath);

}  // namespace ts2coreml::cli
