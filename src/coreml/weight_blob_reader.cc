#include "coreml/weight_blob_reader.h"

#include <cstring>

#include "core/error.h"

namespace ts2coreml::coreml {

WeightBlobReader::WeightBlobReader(const std::string& path) : file_(MappedFile::open(path)) {
  if (file_->size() < kBlobHeaderSize) {
    throw Error("weight file '" + path + "' is too short for a blob storage header");
  }
  BlobStorageHeader header;
  std::memcpy(&header, file_->data(), sizeof(header));
  if (header.version != kBlobStorageVersion) {
    throw Error("weight file '" + path + "' has blob storage version " +
                std::to_string(header.version) + ", expected 2");
  }
  count_ = header.count;
}

BlobInfo WeightBlobReader::blob(uint64_t metadataOffset) const {
  const std::string where =
      "weight file '" + path() + "' at offset " + std::to_string(metadataOffset);
  if (metadataOffset < kBlobHeaderSize || metadataOffset % kBlobAlignment != 0 ||
      metadataOffset > file_->size() || file_->size() - metadataOffset < kBlobMetadataSize) {
    throw Error(where + ": no blob metadata record there");
  }
  BlobMetadata metadata;
  std::memcpy(&metadata, file_->data() + metadataOffset, sizeof(metadata));
  if (metadata.sentinel != kBlobSentinel) throw Error(where + ": bad blob sentinel");
  if (metadata.offset > file_->size() || file_->size() - metadata.offset < metadata.sizeInBytes) {
    throw Error(where + ": blob data (" + std::to_string(metadata.sizeInBytes) + " bytes at " +
                std::to_string(metadata.offset) + ") runs past the end of the file");
  }
  return BlobInfo{metadataOffset, metadata.dataType, metadata.sizeInBytes, metadata.offset};
}

std::vector<BlobInfo> WeightBlobReader::blobs() const {
  std::vector<BlobInfo> result;
  uint64_t offset = kBlobHeaderSize;
  for (uint32_t i = 0; i < count_; ++i) {
    result.push_back(blob(offset));
    offset = alignBlobOffset(result.back().dataOffset + result.back().sizeInBytes);
  }
  return result;
}

Tensor WeightBlobReader::tensor(uint64_t metadataOffset, DType dtype, const Shape& shape) const {
  BlobInfo info = blob(metadataOffset);
  const std::string where =
      "weight file '" + path() + "' at offset " + std::to_string(metadataOffset);
  auto expected = blobDataTypeOf(dtype);
  if (!expected || static_cast<uint32_t>(*expected) != info.dataType) {
    throw Error(where + ": blob dtype code " + std::to_string(info.dataType) + " does not hold " +
                std::string(dtypeName(dtype)) + " data");
  }
  const uint64_t bytes = static_cast<uint64_t>(shapeNumel(shape)) * elementSize(dtype);
  if (bytes != info.sizeInBytes) {
    throw Error(where + ": blob has " + std::to_string(info.sizeInBytes) + " bytes, a " +
                std::string(dtypeName(dtype)) + " tensor of shape " + shapeToString(shape) +
                " needs " + std::to_string(bytes));
  }
  auto buffer = Buffer::wrap(file_->data() + info.dataOffset, info.sizeInBytes, file_);
  return Tensor::view(std::move(buffer), dtype, shape, contiguousStrides(shape), 0);
}

}  // namespace ts2coreml::coreml
