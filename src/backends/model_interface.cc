#include "backends/model_interface.h"

namespace ts2coreml::backends {

namespace spec = CoreML::Specification;

void addShapeFlexibility(const InputFeature& feature, spec::ArrayFeatureType* array) {
  if (!feature.ranges.empty()) {
    auto* ranges = array->mutable_shaperange();
    for (const DimRange& range : feature.ranges) {
      auto* size = ranges->add_sizeranges();
      size->set_lowerbound(static_cast<uint64_t>(range.lower));
      size->set_upperbound(range.upper);
    }
  } else if (!feature.enumerated.empty()) {
    auto* shapes = array->mutable_enumeratedshapes();
    for (const Shape& shape : feature.enumerated) {
      auto* entry = shapes->add_shapes();
      for (int64_t dim : shape) entry->add_shape(dim);
    }
  }
}

spec::FeatureType imageFeatureType(const InputFeature& feature) {
  spec::FeatureType type;
  auto* image = type.mutable_imagetype();
  image->set_height(feature.defaultShape.at(2));
  image->set_width(feature.defaultShape.at(3));
  switch (feature.image->layout) {
    case ColorLayout::RGB:
      image->set_colorspace(spec::ImageFeatureType::RGB);
      break;
    case ColorLayout::BGR:
      image->set_colorspace(spec::ImageFeatureType::BGR);
      break;
    case ColorLayout::Grayscale:
      image->set_colorspace(spec::ImageFeatureType::GRAYSCALE);
      break;
  }
  return type;
}

const InputFeature* inputFeature(const ModelInterface& interface, size_t index) {
  return index < interface.inputs.size() ? &interface.inputs[index] : nullptr;
}

}  // namespace ts2coreml::backends
