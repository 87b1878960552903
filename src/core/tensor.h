// A strided tensor view over a shared byte buffer. The archive reader hands out views straight
// into the memory-mapped file (no copy); the runtime allocates owned contiguous buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace ts2coreml {

using Shape = std::vector<int64_t>;

int64_t shapeNumel(const Shape& shape);
Shape contiguousStrides(const Shape& shape);
std::string shapeToString(const Shape& shape);  // "1x3x64x64"; "scalar" for rank 0

// Bytes kept alive by an owner: either a vector owned by the buffer or a region of a mapping
// whose owner is held as a type-erased shared pointer.
class Buffer {
 public:
  static std::shared_ptr<Buffer> allocate(size_t bytes);  // zero-filled
  static std::shared_ptr<Buffer> wrap(const uint8_t* data, size_t size,
                                      std::shared_ptr<const void> owner);
  const uint8_t* data() const { return data_; }
  // Only owned buffers are writable; a mapped region is read-only.
  uint8_t* mutableData();
  size_t size() const { return size_; }
  bool isOwned() const { return !owned_.empty() || size_ == 0; }

 private:
  std::vector<uint8_t> owned_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::shared_ptr<const void> owner_;
};

class Tensor {
 public:
  Tensor() = default;
  // A new contiguous, zero-filled tensor.
  Tensor(DType dtype, Shape shape);
  // A view on `buffer`; strides and offset are in elements.
  static Tensor view(std::shared_ptr<Buffer> buffer, DType dtype, Shape shape, Shape strides,
                     int64_t offsetElements);
  static Tensor scalar(DType dtype, double value);

  bool defined() const { return buffer_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }
  int64_t offset() const { return offset_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const { return shape_.at(static_cast<size_t>(i < 0 ? i + rank() : i)); }
  int64_t numel() const { return shapeNumel(shape_); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * elementSize(dtype_); }
  bool isContiguous() const;
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }

  // Pointer to the first element (after the offset).
  const void* rawData() const;
  void* mutableRawData();
  template <typename T>
  const T* data() const {
    return static_cast<const T*>(rawData());
  }
  template <typename T>
  T* mutableData() {
    return static_cast<T*>(mutableRawData());
  }

  // Contiguous bytes of this tensor; returns *this when already contiguous (no copy).
  Tensor contiguous() const;
  // Element conversion; returns *this when the dtype already matches.
  Tensor to(DType dtype) const;
  // Same data, new shape (must be contiguous and have the same numel).
  Tensor reshaped(Shape shape) const;
  // Read one element (flat index in logical row-major order) as double.
  double elementAsDouble(int64_t flatIndex) const;
  // Deep copy into an owned contiguous buffer.
  Tensor clone() const;

 private:
  std::shared_ptr<Buffer> buffer_;
  DType dtype_ = DType::Float32;
  Shape shape_;
  Shape strides_;
  int64_t offset_ = 0;
};

}  // namespace ts2coreml
