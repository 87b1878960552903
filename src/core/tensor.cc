#include "core/tensor.h"

#include <cstring>
#include <stdexcept>

namespace ts2coreml {

int64_t shapeNumel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Shape contiguousStrides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

std::string shapeToString(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += 'x';
    text += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return text;
}

std::shared_ptr<Buffer> Buffer::allocate(size_t bytes) {
  auto buffer = std::make_shared<Buffer>();
  buffer->owned_.assign(bytes, 0);
  buffer->data_ = buffer->owned_.data();
  buffer->size_ = bytes;
  return buffer;
}

std::shared_ptr<Buffer> Buffer::wrap(const uint8_t* data, size_t size,
                                     std::shared_ptr<const void> owner) {
  auto buffer = std::make_shared<Buffer>();
  buffer->data_ = data;
  buffer->size_ = size;
  buffer->owner_ = std::move(owner);
  return buffer;
}

uint8_t* Buffer::mutableData() {
  if (!isOwned()) throw std::logic_error("write to a read-only mapped buffer");
  return owned_.data();
}

Tensor::Tensor(DType dtype, Shape shape)
    : buffer_(Buffer::allocate(static_cast<size_t>(shapeNumel(shape)) * elementSize(dtype))),
      dtype_(dtype),
      shape_(std::move(shape)),
      strides_(contiguousStrides(shape_)) {}

Tensor Tensor::view(std::shared_ptr<Buffer> buffer, DType dtype, Shape shape, Shape strides,
                    int64_t offsetElements) {
  Tensor t;
  t.buffer_ = std::move(buffer);
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.strides_ = std::move(strides);
  t.offset_ = offsetElements;
  // Bounds check: the furthest element must lie inside the buffer.
  if (t.numel() > 0) {
    int64_t last = offsetElements;
    for (size_t i = 0; i < t.shape_.size(); ++i) last += (t.shape_[i] - 1) * t.strides_[i];
    if (offsetElements < 0 ||
        static_cast<size_t>(last + 1) * elementSize(dtype) > t.buffer_->size()) {
      throw std::runtime_error("tensor view exceeds its storage");
    }
  }
  return t;
}

Tensor Tensor::scalar(DType dtype, double value) {
  Tensor t(DType::Float64, {});
  *t.mutableData<double>() = value;
  return t.to(dtype);
}

bool Tensor::isContiguous() const {
  return strides_ == contiguousStrides(shape_) || numel() <= 1;
}

const void* Tensor::rawData() const {
  return buffer_->data() + static_cast<size_t>(offset_) * elementSize(dtype_);
}

void* Tensor::mutableRawData() {
  return buffer_->mutableData() + static_cast<size_t>(offset_) * elementSize(dtype_);
}

namespace {

// Byte offset (relative to the first element) of the element at logical flat index `flat`.
int64_t stridedOffset(const Shape& shape, const Shape& strides, int64_t flat) {
  int64_t offset = 0;
  for (size_t i = shape.size(); i-- > 0;) {
    int64_t idx = flat % shape[i];
    flat /= shape[i];
    offset += idx * strides[i];
  }
  return offset;
}

}  // namespace

double Tensor::elementAsDouble(int64_t flatIndex) const {
  const auto* base = static_cast<const uint8_t*>(rawData());
  int64_t element = isContiguous() ? flatIndex : stridedOffset(shape_, strides_, flatIndex);
  return loadElement(base + element * static_cast<int64_t>(elementSize(dtype_)), dtype_);
}

Tensor Tensor::clone() const {
  Tensor out(dtype_, shape_);
  const size_t item = elementSize(dtype_);
  auto* dst = static_cast<uint8_t*>(out.mutableRawData());
  if (isContiguous()) {
    if (nbytes()) std::memcpy(dst, rawData(), nbytes());
    return out;
  }
  const auto* base = static_cast<const uint8_t*>(rawData());
  const int64_t n = numel();
  // Signed byte offsets: strides are negative for reversed views (slice with step -1).
  const auto itemBytes = static_cast<int64_t>(item);
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * itemBytes, base + stridedOffset(shape_, strides_, i) * itemBytes, item);
  }
  return out;
}

Tensor Tensor::contiguous() const {
  return isContiguous() ? *this : clone();
}

Tensor Tensor::to(DType dtype) const {
  if (dtype == dtype_) return *this;
  Tensor out(dtype, shape_);
  auto* dst = static_cast<uint8_t*>(out.mutableRawData());
  const size_t item = elementSize(dtype);
  const int64_t n = numel();
  if (dtype_ == DType::Float32 && dtype == DType::Float16 && isContiguous()) {
    const float* src = data<float>();
    auto* half = reinterpret_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) half[i] = floatToHalf(src[i]);
    return out;
  }
  for (int64_t i = 0; i < n; ++i) storeElement(dst + i * item, dtype, elementAsDouble(i));
  return out;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shapeNumel(shape) != numel()) throw std::runtime_error("reshape changes the element count");
  Tensor base = contiguous();
  return view(base.buffer_, dtype_, shape, contiguousStrides(shape), base.offset_);
}

}  // namespace ts2coreml
