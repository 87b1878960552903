#include "coreml/weight_blob_format.h"

namespace ts2coreml::coreml {

std::optional<BlobDataType> blobDataTypeOf(DType dtype) {
  switch (dtype) {
    case DType::Float16:
      return BlobDataType::Float16;
    case DType::Float32:
      return BlobDataType::Float32;
    case DType::BFloat16:
      return BlobDataType::BFloat16;
    case DType::UInt8:
      return BlobDataType::UInt8;
    case DType::Int8:
      return BlobDataType::Int8;
    case DType::Int16:
      return BlobDataType::Int16;
    case DType::Int32:
      return BlobDataType::Int32;
    default:
      return std::nullopt;
  }
}

std::optional<DType> dtypeOfBlobDataType(uint32_t code) {
  switch (static_cast<BlobDataType>(code)) {
    case BlobDataType::Float16:
      return DType::Float16;
    case BlobDataType::Float32:
      return DType::Float32;
    case BlobDataType::BFloat16:
      return DType::BFloat16;
    case BlobDataType::UInt8:
      return DType::UInt8;
    case BlobDataType::Int8:
      return DType::Int8;
    case BlobDataType::Int16:
      return DType::Int16;
    case BlobDataType::Int32:
      return DType::Int32;
    default:
      return std::nullopt;
  }
}

}  // namespace ts2coreml::coreml
