// Public C++ API: convert a TorchScript archive into a Core ML model file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"

namespace ts2coreml {

// One dimension of a flexible input: any size in [lower, upper]; upper -1 is unbounded.
struct DimRange {
  int64_t lower = 1;
  int64_t upper = -1;
  bool isFixed() const { return lower == upper; }
};

// How a Core ML image input is handed to the model (as coremltools' ImageType): the pixels are
// laid out as [1, C, H, W] in the color order, then scaled and biased per channel:
// value = scale * pixel + bias[channel].
enum class ColorLayout { RGB, BGR, Grayscale };
struct ImageInput {
  ColorLayout layout = ColorLayout::RGB;
  float scale = 1.0f;
  std::vector<float> bias;  // empty (0), one value for every channel, or one per channel
};

// A value fixed at conversion for a forward() parameter that is not a tensor: None, a bool, an
// int, a float or a str.
using ConstantValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct InputSpec {
  std::string name;  // empty: bind to the forward() parameter at the same position
  // The shape; for a flexible input the default one (the lower bounds of `ranges`, or the first
  // of `enumerated`).
  Shape shape;
  DType dtype = DType::Float32;
  std::vector<DimRange> ranges;   // flexible per dimension: empty, or one entry per dimension
  std::vector<Shape> enumerated;  // flexible as a list of allowed shapes: empty or >= 2 shapes
  std::optional<ImageInput> image;
  std::string description;  // the feature's short description in the model
  // The Core ML feature name when it differs from the forward() parameter's (coremltools binds
  // inputs by position and names them freely; the Python package does the same).
  std::string featureName;
  // Set: the parameter is no model input but this value, fixed when converting (`--input
  // sr=16000`); the shape fields are unused. An int/float/bool parameter without a constant is
  // a run-time input of one element (int32 for int and bool, float32 for float).
  std::optional<ConstantValue> constant;

  bool isFlexible() const { return !ranges.empty() || !enumerated.empty(); }
  // The shape the converter compiles with: -1 for every dimension that may vary.
  Shape compileShape() const {
    Shape result = shape;
    for (size_t i = 0; i < ranges.size() && i < result.size(); ++i) {
      if (!ranges[i].isFixed()) result[i] = -1;
    }
    for (const Shape& other : enumerated) {
      for (size_t i = 0; i < other.size() && i < result.size(); ++i) {
        if (other[i] != shape[i]) result[i] = -1;
      }
    }
    return result;
  }
};

struct OutputSpec {
  std::string name;            // empty: the default name ("output", "output_0", ...)
  std::optional<DType> dtype;  // cast the output to this dtype (float32, float16, int32)
  std::string description;
};

enum class ModelFormat { MLProgram, NeuralNetwork };
enum class Precision { Float16, Float32 };

// Core ML deployment targets and the specification version each one reads: iOS13 = 4 ...
// iOS18 = 9. Neural networks go up to iOS14, ML programs start at iOS15.
enum class DeploymentTarget { iOS13 = 4, iOS14 = 5, iOS15 = 6, iOS16 = 7, iOS17 = 8, iOS18 = 9 };

// Accepts "iOS13".."iOS18" and the matching macOS/tvOS/watchOS names (macOS10_15, macOS11 ...
// macOS15, tvOS13 ..., watchOS6 ...), case-insensitively; nullopt for anything else.
std::optional<DeploymentTarget> parseDeploymentTarget(const std::string& name);
std::string deploymentTargetName(DeploymentTarget target);
inline int specificationVersionOf(DeploymentTarget target) {
  return static_cast<int>(target);
}

struct ModelMetadata {
  std::string author;
  std::string license;
  std::string shortDescription;
  std::string versionString;
  // Written next to the converter's own entries ("ts2coreml.version", "ts2coreml.source", ...).
  std::map<std::string, std::string> userDefined;
};

// What to convert: a method of the root module or of one of its submodules.
struct EntryPoint {
  std::string modulePath;  // dotted attribute path from the root ("encoder.layer"); empty: root
  std::string method = "forward";
};

struct ConvertOptions {
  EntryPoint entry;
  std::vector<InputSpec> inputs;
  // Names/dtypes of the outputs in order; fewer entries than outputs leave the rest default.
  std::vector<OutputSpec> outputs;
  ModelFormat format = ModelFormat::MLProgram;
  // Defaults: fp16 for ML Program (as coremltools), fp32 for neural network.
  std::optional<Precision> precision;
  // Default: iOS15 for ML Program, iOS13 for neural network.
  std::optional<DeploymentTarget> target;
  // MIL op types computed in fp32 even in an fp16 program (e.g. "softmax", "layer_norm").
  std::vector<std::string> fp32Ops;
  ModelMetadata metadata;
  // The torch version that wrote the archive when the caller knows it (the Python package passes
  // torch.__version__); otherwise it is inferred from the archive. Recorded in the metadata.
  std::string sourceTorchVersion;
};

// The target a conversion uses (the default of the format when none is given); throws Error
// when the format cannot be written for the target.
DeploymentTarget effectiveTarget(const ConvertOptions& options);

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
                           bool withIr, const EntryPoint& entry = {});

}  // namespace ts2coreml
