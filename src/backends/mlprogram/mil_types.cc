#include "backends/mlprogram/mil_types.h"

#include "core/error.h"

namespace ts2coreml::backends {

MILSpec::ValueType milTensorType(MILSpec::DataType dtype, const Shape& shape) {
  MILSpec::ValueType type;
  auto* tensor = type.mutable_tensortype();
  tensor->set_datatype(dtype);
  tensor->set_rank(static_cast<int64_t>(shape.size()));
  for (int64_t dim : shape) {
    auto* dimension = tensor->add_dimensions();
    if (dim >= 0) {
      dimension->mutable_constant()->set_size(static_cast<uint64_t>(dim));
    } else {
      dimension->mutable_unknown()->set_variadic(false);
    }
  }
  return type;
}

MILSpec::ValueType milValueType(const ir::TypePtr& type, const std::string& where) {
  switch (type->kind()) {
    case ir::TypeKind::Str:
      return milTensorType(MILSpec::STRING, {});
    case ir::TypeKind::Int:
      return milTensorType(MILSpec::INT32, {});
    case ir::TypeKind::Float:
      return milTensorType(MILSpec::FLOAT32, {});
    case ir::TypeKind::Bool:
      return milTensorType(MILSpec::BOOL, {});
    case ir::TypeKind::Tensor:
      break;
    default:
      throw Error(where + " has type " + type->str() +
                  ", which an ML program cannot hold (only tensors and strings)");
  }
  if (!type->dtype()) throw Error(where + " is a tensor of unknown dtype");
  if (!type->shape()) throw Error(where + " is a tensor of unknown rank");
  if (*type->dtype() == DType::Int64) {
    throw Error(where +
                " is an int64 tensor; ML programs have no int64 tensors (the lowering "
                "must narrow it to int32)");
  }
  return milTensorType(coreml::milDataTypeOf(*type->dtype()), *type->shape());
}

CoreML::Specification::FeatureType featureType(const ir::TypePtr& type, bool isInput,
                                               int specificationVersion, const std::string& where,
                                               const InputFeature* feature) {
  if (!type->isTensor() || !type->dtype() || !type->shape()) {
    throw Error(where + " has type " + type->str() +
                "; model inputs and outputs must be tensors "
                "of known dtype and rank");
  }
  const DType dtype = *type->dtype();
  const bool allowed = dtype == DType::Float32 || dtype == DType::Int32 ||
                       (dtype == DType::Float16 && specificationVersion >= 7);
  if (!allowed) {
    throw Error(where + " is " + std::string(dtypeName(dtype)) +
                "; ML program inputs and outputs must be float32 or int32 (float16 from "
                "specification version 7)");
  }
  if (feature && feature->image) return imageFeatureType(*feature);
  CoreML::Specification::FeatureType result;
  auto* array = result.mutable_multiarraytype();
  array->set_datatype(*coreml::arrayDataTypeOf(dtype));
  if (feature && (!feature->ranges.empty() || !feature->enumerated.empty())) {
    for (int64_t dim : feature->defaultShape) array->add_shape(dim);
    addShapeFlexibility(*feature, array);
    return result;
  }
  Shape shape = *type->shape();
  if (shape.empty()) shape = {1};  // Core ML describes a scalar as a 1-element array
  bool flexible = false;
  for (int64_t dim : shape) flexible |= dim < 0;
  if (!flexible) {
    for (int64_t dim : shape) array->add_shape(dim);
  } else if (isInput) {
    auto* ranges = array->mutable_shaperange();
    for (int64_t dim : shape) {
      auto* range = ranges->add_sizeranges();
      range->set_lowerbound(dim < 0 ? 1 : static_cast<uint64_t>(dim));
      range->set_upperbound(dim < 0 ? -1 : dim);
      array->add_shape(dim < 0 ? 1 : dim);
    }
  }
  return result;
}

}  // namespace ts2coreml::backends
