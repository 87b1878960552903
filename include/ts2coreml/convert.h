// Public C++ API: convert a TorchScript archive into a Core ML model file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"

namespace ts2coreml {

struct InputSpec {
  std::string name;  // empty: bind to the forward() parameter at the same position
  Shape shape;
  DType dtype = DType::Float32;
};

enum class ModelFormat { MLProgram, NeuralNetwork };
enum class Precision { Float16, Float32 };

struct ConvertOptions {
  std::vector<InputSpec> inputs;
  ModelFormat format = ModelFormat::MLProgram;
  // Defaults: fp16 for ML Program (as coremltools), fp32 for neural network.
  std::optional<Precision> precision;
};

// Format from the output path's extension: ".mlpackage" or ".mlmodel"; throws Error otherwise.
ModelFormat formatForPath(const std::string& outputPath);

struct ConversionReport {
  std::vector<std::string> warnings;
  std::string loweredIr;  // the MIL-level IR text of what was written
};

// Reads `archivePath`, converts, and writes `outputPath` atomically (a temporary sibling renamed
// into place; nothing is left behind on failure). Throws ts2coreml::Error with a one-line message.
ConversionReport convertFile(const std::string& archivePath, const std::string& outputPath,
                             const ConvertOptions& options);

// Summary of a TorchScript archive: forward() signature, op counts, control flow; with
// `withIr`, the compiled IR text (after static folding when input shapes are given).
std::string inspectArchive(const std::string& archivePath, const std::vector<InputSpec>& inputs,
                           bool withIr);

}  // namespace ts2coreml
