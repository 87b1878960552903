// Reader of weight.bin (MIL blob storage v2): memory-maps the file and hands out zero-copy tensor
// views after validating the header, the blob's metadata record, its dtype and its size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/mapped_file.h"
#include "core/tensor.h"
#include "coreml/weight_blob_format.h"

namespace ts2coreml::coreml {

struct BlobInfo {
  uint64_t metadataOffset = 0;
  uint32_t dataType = 0;  // BlobDataType code
  uint64_t sizeInBytes = 0;
  uint64_t dataOffset = 0;
};

class WeightBlobReader {
 public:
  // Maps `path` and checks the header. Throws Error naming the file.
  explicit WeightBlobReader(const std::string& path);

  uint32_t count() const { return count_; }
  const std::string& path() const { return file_->path(); }

  // The validated metadata record at `metadataOffset`.
  BlobInfo blob(uint64_t metadataOffset) const;
  // All blobs in file order (walking the records as the format describes).
  std::vector<BlobInfo> blobs() const;
  // A read-only view of the blob as a tensor of `dtype` and `shape`; the blob's dtype code and
  // byte size must match exactly. The view keeps the mapping alive.
  Tensor tensor(uint64_t metadataOffset, DType dtype, const Shape& shape) const;

 private:
  std::shared_ptr<const MappedFile> file_;
  uint32_t count_ = 0;
};

}  // namespace ts2coreml::coreml
