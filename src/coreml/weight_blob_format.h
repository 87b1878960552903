// The MIL blob storage file (weight.bin), version 2: a 64-byte header, then per blob a 64-byte
// metadata record and the raw data, each starting on a 64-byte boundary. A const's
// BlobFileValue.offset points at the blob's metadata record, not at its data.
// (Layout: /work/shared/reference/coreml-format.md section 6.)
#pragma once

#include <cstdint>
#include <optional>

#include "core/dtype.h"

namespace ts2coreml::coreml {

constexpr uint32_t kBlobStorageVersion = 2;
constexpr uint32_t kBlobSentinel = 0xDEADBEEF;
constexpr uint64_t kBlobAlignment = 64;
constexpr uint64_t kBlobHeaderSize = 64;
constexpr uint64_t kBlobMetadataSize = 64;

// Apple's BlobDataType codes (different from MILSpec.DataType).
enum class BlobDataType : uint32_t {
  Float16 = 1,
  Float32 = 2,
  UInt8 = 3,
  Int8 = 4,
  BFloat16 = 5,
  Int16 = 6,
  UInt16 = 7,
  Int4 = 8,
  UInt1 = 9,
  UInt2 = 10,
  UInt4 = 11,
  UInt3 = 12,
  UInt6 = 13,
  Int32 = 14,
  UInt32 = 15,
  Float8E4M3FN = 16,
  Float8E5M2 = 17,
};

// Little-endian on-disk records (all Apple targets and our hosts are little-endian).
struct BlobStorageHeader {
  uint32_t count = 0;
  uint32_t version = kBlobStorageVersion;
  uint64_t reserved[7] = {};
};
static_assert(sizeof(BlobStorageHeader) == kBlobHeaderSize);

struct BlobMetadata {
  uint32_t sentinel = kBlobSentinel;
  uint32_t dataType = 0;
  uint64_t sizeInBytes = 0;
  uint64_t offset = 0;  // absolute file offset of the data
  uint64_t paddingSizeInBits = 0;
  uint64_t reserved[4] = {};
};
static_assert(sizeof(BlobMetadata) == kBlobMetadataSize);

inline uint64_t alignBlobOffset(uint64_t offset) {
  return (offset + kBlobAlignment - 1) / kBlobAlignment * kBlobAlignment;
}

// Blob code of a whole-byte element type we can store; nullopt for bool/int64/float64.
std::optional<BlobDataType> blobDataTypeOf(DType dtype);
// Element type of a whole-byte blob code; nullopt for sub-byte and fp8 codes.
std::optional<DType> dtypeOfBlobDataType(uint32_t code);

}  // namespace ts2coreml::coreml
