// Streaming writer of weight.bin (MIL blob storage v2). Blobs are appended one by one straight
// from the caller's memory (for instance a view into the memory-mapped TorchScript archive);
// dtype conversion (fp32 -> fp16) happens chunk by chunk on the way, so no converted copy of a
// whole tensor is ever made.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.h"
#include "coreml/weight_blob_format.h"

namespace ts2coreml::coreml {

class WeightBlobWriter {
 public:
  // Creates (truncates) `path` and writes an empty header. Throws Error on I/O failure.
  explicit WeightBlobWriter(std::string path);
  ~WeightBlobWriter();
  WeightBlobWriter(const WeightBlobWriter&) = delete;
  WeightBlobWriter& operator=(const WeightBlobWriter&) = delete;

  // Appends raw element bytes; returns the offset of the blob's metadata record (the value of
  // BlobFileValue.offset).
  uint64_t append(BlobDataType type, const void* data, size_t bytes);
  // Appends `tensor` (any layout) stored as `storeAs` (fp16, fp32, bf16, 8/16/32-bit ints).
  uint64_t appendTensor(const Tensor& tensor, DType storeAs);

  // Rewrites the header with the final count and closes the file; throws Error on failure.
  // Blobs may not be appended afterwards.
  void close();

  uint32_t count() const { return count_; }
  const std::string& path() const { return path_; }

 private:
  uint64_t beginBlob(BlobDataType type, uint64_t bytes);
  void writeAt(uint64_t offset, const void* data, size_t bytes);
  void writeHeader();

  std::string path_;
  int fd_ = -1;
  uint64_t end_ = 0;  // current file size
  uint32_t count_ = 0;
};

}  // namespace ts2coreml::coreml
