#include "coreml/weight_blob_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "coreml/element_convert.h"

namespace ts2coreml::coreml {

WeightBlobWriter::WeightBlobWriter(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot create '" + path_ + "': " + std::strerror(errno));
  writeHeader();
  end_ = kBlobHeaderSize;
}

WeightBlobWriter::~WeightBlobWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void WeightBlobWriter::writeAt(uint64_t offset, const void* data, size_t bytes) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (bytes > 0) {
    ssize_t written = ::pwrite(fd_, p, bytes, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write '" + path_ + "': " + std::strerror(errno));
    }
    p += written;
    offset += static_cast<uint64_t>(written);
    bytes -= static_cast<size_t>(written);
  }
}

void WeightBlobWriter::writeHeader() {
  BlobStorageHeader header;
  header.count = count_;
  writeAt(0, &header, sizeof(header));
}

// Writes the metadata record for a blob of `bytes` bytes at the next aligned offset (the gap
// before it is zero-filled) and returns the metadata offset; the data follows at +64.
uint64_t WeightBlobWriter::beginBlob(BlobDataType type, uint64_t bytes) {
  if (fd_ < 0) throw Error("weight file '" + path_ + "' is already closed");
  const uint64_t metadataOffset = alignBlobOffset(end_);
  if (metadataOffset > end_) {
    static const uint8_t kZeros[kBlobAlignment] = {};
    writeAt(end_, kZeros, metadataOffset - end_);
  }
  BlobMetadata metadata;
  metadata.dataType = static_cast<uint32_t>(type);
  metadata.sizeInBytes = bytes;
  metadata.offset = metadataOffset + kBlobMetadataSize;
  writeAt(metadataOffset, &metadata, sizeof(metadata));
  end_ = metadata.offset;
  ++count_;
  return metadataOffset;
}

uint64_t WeightBlobWriter::append(BlobDataType type, const void* data, size_t bytes) {
  uint64_t metadataOffset = beginBlob(type, bytes);
  writeAt(end_, data, bytes);
  end_ += bytes;
  return metadataOffset;
}

uint64_t WeightBlobWriter::appendTensor(const Tensor& tensor, DType storeAs) {
  auto type = blobDataTypeOf(storeAs);
  if (!type) {
    throw Error("cannot store a " + std::string(dtypeName(storeAs)) + " tensor in '" + path_ +
                "' (weight.bin holds fp16, fp32, bf16 and 8/16/32-bit integers)");
  }
  const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * elementSize(storeAs);
  uint64_t metadataOffset = beginBlob(*type, bytes);
  streamConverted(tensor, storeAs, [&](const uint8_t* data, size_t size) {
    writeAt(end_, data, size);
    end_ += size;
  });
  return metadataOffset;
}

void WeightBlobWriter::close() {
  if (fd_ < 0) return;
  writeHeader();
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw Error("cannot write '" + path_ + "': " + std::strerror(errno));
}

}  // namespace ts2coreml::coreml
