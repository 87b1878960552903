// What the user said about the model's interface beyond the IR types: flexible input shapes,
// image inputs and feature descriptions. Both backends write it into the ModelDescription.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coreml/proto/Model.pb.h"
#include "ir/type.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::backends {

struct InputFeature {
  Shape defaultShape;               // the shape Core ML reports as the feature's shape
  std::vector<DimRange> ranges;     // flexible per dimension (empty: see `enumerated`)
  std::vector<Shape> enumerated;    // the allowed shapes (empty: not enumerated)
  std::optional<ImageInput> image;  // an image input of defaultShape 1xCxHxW
  std::string description;
};

struct ModelInterface {
  std::vector<InputFeature> inputs;  // by graph input position; missing entries: plain arrays
  std::vector<std::string> outputDescriptions;
};

// Adds the shape flexibility of `feature` to a multi-array type whose `shape` field is already
// the default shape: ranges or enumerated shapes.
void addShapeFlexibility(const InputFeature& feature,
                         CoreML::Specification::ArrayFeatureType* array);

// The image feature type of an image input (width/height of its default shape, color space).
CoreML::Specification::FeatureType imageFeatureType(const InputFeature& feature);

// The feature of graph input `index` in `interface`, or null.
const InputFeature* inputFeature(const ModelInterface& interface, size_t index);

}  // namespace ts2coreml::backends
