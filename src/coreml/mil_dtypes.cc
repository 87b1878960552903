#include "coreml/mil_dtypes.h"

#include <utility>

namespace ts2coreml::coreml {

namespace {

using Spec = CoreML::Specification::ArrayFeatureType;

struct DataTypeEntry {
  MILSpec::DataType type;
  const char* name;
  std::optional<DType> dtype;
};

const DataTypeEntry kDataTypes[] = {
    {MILSpec::BOOL, "bool", DType::Bool},
    {MILSpec::STRING, "string", std::nullopt},
    {MILSpec::FLOAT16, "fp16", DType::Float16},
    {MILSpec::FLOAT32, "fp32", DType::Float32},
    {MILSpec::FLOAT64, "fp64", DType::Float64},
    {MILSpec::BFLOAT16, "bf16", DType::BFloat16},
    {MILSpec::INT8, "int8", DType::Int8},
    {MILSpec::INT16, "int16", DType::Int16},
    {MILSpec::INT32, "int32", DType::Int32},
    {MILSpec::INT64, "int64", DType::Int64},
    {MILSpec::UINT8, "uint8", DType::UInt8},
    {MILSpec::INT4, "int4", std::nullopt},
    {MILSpec::UINT16, "uint16", std::nullopt},
    {MILSpec::UINT32, "uint32", std::nullopt},
    {MILSpec::UINT64, "uint64", std::nullopt},
    {MILSpec::UINT4, "uint4", std::nullopt},
    {MILSpec::UINT2, "uint2", std::nullopt},
    {MILSpec::UINT1, "uint1", std::nullopt},
    {MILSpec::UINT6, "uint6", std::nullopt},
    {MILSpec::UINT3, "uint3", std::nullopt},
    {MILSpec::FLOAT8E4M3FN, "fp8e4m3fn", std::nullopt},
    {MILSpec::FLOAT8E5M2, "fp8e5m2", std::nullopt},
};

}  // namespace

MILSpec::DataType milDataTypeOf(DType dtype) {
  for (const auto& entry : kDataTypes) {
    if (entry.dtype == dtype) return entry.type;
  }
  return MILSpec::UNUSED_TYPE;
}

std::optional<DType> dtypeOfMilDataType(MILSpec::DataType type) {
  for (const auto& entry : kDataTypes) {
    if (entry.type == type) return entry.dtype;
  }
  return std::nullopt;
}

std::string milDtypeName(MILSpec::DataType type) {
  for (const auto& entry : kDataTypes) {
    if (entry.type == type) return entry.name;
  }
  return "unknown(" + std::to_string(static_cast<int>(type)) + ")";
}

std::optional<MILSpec::DataType> milDataTypeFromName(std::string_view name) {
  for (const auto& entry : kDataTypes) {
    if (name == entry.name) return entry.type;
  }
  return std::nullopt;
}

std::optional<Spec::ArrayDataType> arrayDataTypeOf(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return Spec::FLOAT32;
    case DType::Float16:
      return Spec::FLOAT16;
    case DType::Float64:
      return Spec::DOUBLE;
    case DType::Int32:
      return Spec::INT32;
    case DType::Int8:
      return Spec::INT8;
    default:
      return std::nullopt;
  }
}

std::optional<DType> dtypeOfArrayDataType(Spec::ArrayDataType type) {
  switch (type) {
    case Spec::FLOAT32:
      return DType::Float32;
    case Spec::FLOAT16:
      return DType::Float16;
    case Spec::DOUBLE:
      return DType::Float64;
    case Spec::INT32:
      return DType::Int32;
    case Spec::INT8:
      return DType::Int8;
    default:
      return std::nullopt;
  }
}

}  // namespace ts2coreml::coreml
