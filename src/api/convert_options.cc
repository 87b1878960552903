// The option helpers of the public API: deployment target names and defaults, flexible shapes.
#include <algorithm>
#include <cctype>

#include "api/convert_pipeline.h"
#include "core/error.h"
#include "ts2coreml/convert.h"

namespace ts2coreml {

namespace {

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::optional<DeploymentTarget> parseDeploymentTarget(const std::string& name) {
  // Each row: the names of one release year on every platform Core ML runs on.
  struct Row {
    DeploymentTarget target;
    std::vector<std::string> names;
  };
  static const std::vector<Row> rows = {
      {DeploymentTarget::iOS13, {"ios13", "macos10_15", "tvos13", "watchos6"}},
      {DeploymentTarget::iOS14, {"ios14", "macos11", "tvos14", "watchos7"}},
      {DeploymentTarget::iOS15, {"ios15", "macos12", "tvos15", "watchos8"}},
      {DeploymentTarget::iOS16, {"ios16", "macos13", "tvos16", "watchos9"}},
      {DeploymentTarget::iOS17, {"ios17", "macos14", "tvos17", "watchos10"}},
      {DeploymentTarget::iOS18, {"ios18", "macos15", "tvos18", "watchos11"}},
  };
  const std::string key = lowered(name);
  for (const Row& row : rows) {
    if (std::find(row.names.begin(), row.names.end(), key) != row.names.end()) return row.target;
  }
  return std::nullopt;
}

std::string deploymentTargetName(DeploymentTarget target) {
  return "iOS" + std::to_string(static_cast<int>(target) + 9);
}

DeploymentTarget effectiveTarget(const ConvertOptions& options) {
  const bool program = options.format == ModelFormat::MLProgram;
  DeploymentTarget target =
      options.target.value_or(program ? DeploymentTarget::iOS15 : DeploymentTarget::iOS13);
  if (program && target < DeploymentTarget::iOS15) {
    throw Error(
        "an ML Program (.mlpackage) needs a minimum deployment target of iOS15 or newer, "
        "not " +
        deploymentTargetName(target) + "; write a neural network (.mlmodel) for " +
        deploymentTargetName(target));
  }
  if (!program && target > DeploymentTarget::iOS14) {
    throw Error("a neural network (.mlmodel) can target at most iOS14, not " +
                deploymentTargetName(target) + "; write an ML Program (.mlpackage) for " +
                deploymentTargetName(target));
  }
  return target;
}

}  // namespace ts2coreml

namespace ts2coreml::api {

namespace {

std::string inputLabel(const InputSpec& spec, size_t index) {
  return spec.name.empty() ? "input " + std::to_string(index + 1) : "input '" + spec.name + "'";
}

void checkFlexibleShape(const InputSpec& spec, const std::string& label) {
  if (!spec.ranges.empty() && !spec.enumerated.empty())
    throw Error(label + ": give either ranges or enumerated shapes, not both");
  if (!spec.ranges.empty()) {
    if (spec.ranges.size() != spec.shape.size())
      throw Error(label + ": " + std::to_string(spec.ranges.size()) + " ranges for a rank-" +
                  std::to_string(spec.shape.size()) + " shape");
    for (size_t i = 0; i < spec.ranges.size(); ++i) {
      const DimRange& range = spec.ranges[i];
      if (range.lower < 1 || (range.upper != -1 && range.upper < range.lower))
        throw Error(label + ": dimension " + std::to_string(i) + " has an empty range (" +
                    std::to_string(range.lower) + ".." + std::to_string(range.upper) + ")");
      if (spec.shape[i] < range.lower || (range.upper != -1 && spec.shape[i] > range.upper))
        throw Error(label + ": the default size " + std::to_string(spec.shape[i]) +
                    " of dimension " + std::to_string(i) + " is outside its range");
    }
  }
  if (!spec.enumerated.empty()) {
    for (const Shape& shape : spec.enumerated) {
      if (shape.size() != spec.shape.size())
        throw Error(label + ": enumerated shape " + shapeToString(shape) + " has rank " +
                    std::to_string(shape.size()) + ", the others " +
                    std::to_string(spec.shape.size()));
    }
    if (std::find(spec.enumerated.begin(), spec.enumerated.end(), spec.shape) ==
        spec.enumerated.end())
      throw Error(label + ": the default shape " + shapeToString(spec.shape) +
                  " is not one of the enumerated shapes");
  }
}

void checkImage(const InputSpec& spec, const std::string& label) {
  const ImageInput& image = *spec.image;
  const int64_t channels = image.layout == ColorLayout::Grayscale ? 1 : 3;
  if (spec.shape.size() != 4 || spec.shape[0] != 1 || spec.shape[1] != channels)
    throw Error(label + ": an image input has shape 1x" + std::to_string(channels) + "xHxW (" +
                (channels == 1 ? "grayscale" : "color") + "), not " + shapeToString(spec.shape));
  if (spec.dtype != DType::Float32)
    throw Error(label + ": an image input is float32 (pixel values), not " +
                std::string(dtypeName(spec.dtype)));
  if (spec.isFlexible())
    throw Error(label +
                ": image inputs with flexible sizes are not supported; give a fixed "
                "size");
  if (!image.bias.empty() && image.bias.size() != 1 &&
      image.bias.size() != static_cast<size_t>(channels))
    throw Error(label + ": " + std::to_string(image.bias.size()) + " bias values for " +
                std::to_string(channels) + " channel(s)");
}

}  // namespace

void validateOptions(const ConvertOptions& options, DeploymentTarget target) {
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    const InputSpec& spec = options.inputs[i];
    const std::string label = inputLabel(spec, i);
    if (!spec.featureName.empty() && !isFeatureName(spec.featureName))
      throw Error(label + ": '" + spec.featureName +
                  "' is not a valid feature name (letters, digits and '_', not starting with a "
                  "digit)");
    for (size_t j = 0; j < i; ++j) {
      if (!spec.featureName.empty() && options.inputs[j].featureName == spec.featureName)
        throw Error("two inputs are named '" + spec.featureName + "'");
    }
    if (spec.constant && (!spec.shape.empty() || spec.isFlexible() || spec.image))
      throw Error(label + ": a value fixed at conversion has no shape, flexibility or image type");
    if (spec.shape.empty() && spec.isFlexible())
      throw Error(label + ": a flexible input needs a shape");
    checkFlexibleShape(spec, label);
    if (spec.image) checkImage(spec, label);
    if (spec.dtype == DType::Float16 && options.format == ModelFormat::MLProgram &&
        target < DeploymentTarget::iOS16)
      throw Error(label +
                  ": float16 model inputs need --minimum-deployment-target iOS16 or "
                  "newer");
  }
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    const OutputSpec& spec = options.outputs[i];
    if (!spec.dtype) continue;
    const std::string label = "output " + std::to_string(i + 1);
    if (*spec.dtype != DType::Float32 && *spec.dtype != DType::Float16 &&
        *spec.dtype != DType::Int32)
      throw Error(label + ": outputs can be float32, float16 or int32, not " +
                  std::string(dtypeName(*spec.dtype)));
    if (*spec.dtype == DType::Float16 &&
        (options.format != ModelFormat::MLProgram || target < DeploymentTarget::iOS16))
      throw Error(label +
                  ": float16 outputs need an ML Program with "
                  "--minimum-deployment-target iOS16 or newer");
  }
}

}  // namespace ts2coreml::api

namespace ts2coreml::api {

bool isFeatureName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace ts2coreml::api
