#include "coreml/element_convert.h"

#include <cstring>
#include <vector>

namespace ts2coreml::coreml {

namespace {

double load(const uint8_t* p, DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return *p ? 1.0 : 0.0;
    case DType::UInt8:
      return *p;
    case DType::Int8:
      return static_cast<int8_t>(*p);
    case DType::Int16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case DType::Int32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DType::Int64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return static_cast<double>(v);
    }
    case DType::Float16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return halfToFloat(v);
    }
    case DType::BFloat16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return bfloat16ToFloat(v);
    }
    case DType::Float32: {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DType::Float64: {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
  return 0;
}

void store(uint8_t* p, DType dtype, double value) {
  switch (dtype) {
    case DType::Bool:
      *p = value != 0.0;
      break;
    case DType::UInt8:
      *p = static_cast<uint8_t>(static_cast<int64_t>(value));
      break;
    case DType::Int8:
      *p = static_cast<uint8_t>(static_cast<int8_t>(value));
      break;
    case DType::Int16: {
      auto v = static_cast<int16_t>(value);
      std::memcpy(p, &v, 2);
      break;
    }
    case DType::Int32: {
      auto v = static_cast<int32_t>(value);
      std::memcpy(p, &v, 4);
      break;
    }
    case DType::Int64: {
      auto v = static_cast<int64_t>(value);
      std::memcpy(p, &v, 8);
      break;
    }
    case DType::Float16: {
      auto v = floatToHalf(static_cast<float>(value));
      std::memcpy(p, &v, 2);
      break;
    }
    case DType::BFloat16: {
      auto v = floatToBFloat16(static_cast<float>(value));
      std::memcpy(p, &v, 2);
      break;
    }
    case DType::Float32: {
      auto v = static_cast<float>(value);
      std::memcpy(p, &v, 4);
      break;
    }
    case DType::Float64:
      std::memcpy(p, &value, 8);
      break;
  }
}

// Converts `count` contiguous source elements into `dst`.
void convertRun(const uint8_t* src, DType from, uint8_t* dst, DType to, size_t count) {
  if (from == to) {
    std::memcpy(dst, src, count * elementSize(from));
    return;
  }
  if (from == DType::Float32 && to == DType::Float16) {  // the hot path: fp16 weights
    for (size_t i = 0; i < count; ++i) {
      float v;
      std::memcpy(&v, src + 4 * i, 4);
      uint16_t h = floatToHalf(v);
      std::memcpy(dst + 2 * i, &h, 2);
    }
    return;
  }
  const size_t inSize = elementSize(from), outSize = elementSize(to);
  for (size_t i = 0; i < count; ++i) store(dst + i * outSize, to, load(src + i * inSize, from));
}

}  // namespace

void streamConverted(const Tensor& tensor, DType target,
                     const std::function<void(const uint8_t*, size_t)>& sink,
                     size_t chunkElements) {
  const int64_t total = tensor.numel();
  if (total == 0) return;
  const auto* base = static_cast<const uint8_t*>(tensor.rawData());
  const DType source = tensor.dtype();
  if (tensor.isContiguous() && source == target) {
    sink(base, tensor.nbytes());
    return;
  }
  const size_t inSize = elementSize(source), outSize = elementSize(target);
  std::vector<uint8_t> scratch(chunkElements * outSize);
  if (tensor.isContiguous()) {
    for (int64_t start = 0; start < total; start += static_cast<int64_t>(chunkElements)) {
      size_t n = static_cast<size_t>(
          std::min<int64_t>(total - start, static_cast<int64_t>(chunkElements)));
      convertRun(base + static_cast<size_t>(start) * inSize, source, scratch.data(), target, n);
      sink(scratch.data(), n * outSize);
    }
    return;
  }
  // Strided view: walk it with an odometer over all dims but the last; rows of the last dim are
  // converted element by element (its stride may be anything, even 0 for broadcast views).
  const Shape& shape = tensor.shape();
  const Shape& strides = tensor.strides();
  const size_t rank = shape.size();
  const int64_t rowLength = shape[rank - 1];
  const int64_t rowStride = strides[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  size_t filled = 0;
  int64_t rowOffset = 0;
  for (int64_t row = 0; row < total / rowLength; ++row) {
    for (int64_t k = 0; k < rowLength; ++k) {
      const uint8_t* src = base + static_cast<size_t>(rowOffset + k * rowStride) * inSize;
      convertRun(src, source, scratch.data() + filled * outSize, target, 1);
      if (++filled == chunkElements) {
        sink(scratch.data(), filled * outSize);
        filled = 0;
      }
    }
    for (size_t d = rank - 1; d-- > 0;) {  // advance the odometer
      rowOffset += strides[d];
      if (++index[d] < shape[d]) break;
      rowOffset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  if (filled) sink(scratch.data(), filled * outSize);
}

}  // namespace ts2coreml::coreml
