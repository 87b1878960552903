// Element type codes of the Core ML schemas and their DType counterparts, shared by the writers
// and the runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/dtype.h"
#include "coreml/proto/FeatureTypes.pb.h"
#include "coreml/proto/MIL.pb.h"

namespace ts2coreml::coreml {

namespace MILSpec = CoreML::Specification::MILSpec;

// MILSpec.DataType of a DType (Int64/Float64 exist in MIL but are rarely accepted by ops).
MILSpec::DataType milDataTypeOf(DType dtype);
// DType of a MILSpec.DataType; nullopt for STRING, sub-byte and fp8 types.
std::optional<DType> dtypeOfMilDataType(MILSpec::DataType type);
// MIL spelling of a data type as used by `cast(dtype=...)`: "fp32", "fp16", "int32", "bool", ...
std::string milDtypeName(MILSpec::DataType type);
std::optional<MILSpec::DataType> milDataTypeFromName(std::string_view name);

// Multi-array feature types (model inputs/outputs): FLOAT32, FLOAT16, DOUBLE, INT32, INT8.
std::optional<CoreML::Specification::ArrayFeatureType::ArrayDataType> arrayDataTypeOf(DType dtype);
std::optional<DType> dtypeOfArrayDataType(
    CoreML::Specification::ArrayFeatureType::ArrayDataType type);

}  // namespace ts2coreml::coreml
