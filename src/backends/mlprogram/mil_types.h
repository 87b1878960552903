// IR types -> MIL proto types (TensorType with dtype, rank and dims) and -> model feature types.
#pragma once

#include <string>

#include "backends/model_interface.h"
#include "coreml/mil_dtypes.h"
#include "coreml/proto/FeatureTypes.pb.h"
#include "coreml/proto/MIL.pb.h"
#include "ir/type.h"

namespace ts2coreml::backends {

namespace MILSpec = CoreML::Specification::MILSpec;

// A tensor type of `dtype` and `shape` (dims < 0 become unknown dims; rank 0 = scalar).
MILSpec::ValueType milTensorType(MILSpec::DataType dtype, const Shape& shape);
// The MIL type of an IR value type: tensors need a dtype and a known rank (int64 is refused:
// Core ML ML programs have no int64 tensors); `str` is a STRING scalar. `where` names the value
// in error messages.
MILSpec::ValueType milValueType(const ir::TypePtr& type, const std::string& where);

// The feature type of a model input/output: an image, or a multi-array with the flexibility of
// `feature` when given. Otherwise unknown dims: inputs get a shape range (1..unbounded) with 1 as
// default, outputs leave the shape empty (as coremltools does).
CoreML::Specification::FeatureType featureType(const ir::TypePtr& type, bool isInput,
                                               int specificationVersion, const std::string& where,
                                               const InputFeature* feature = nullptr);

}  // namespace ts2coreml::backends
