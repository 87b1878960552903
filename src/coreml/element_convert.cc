#include "coreml/element_convert.h"

#include <cstring>
#include <vector>

namespace ts2coreml::coreml {

namespace {

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
  for (size_t i = 0; i < count; ++i)
    storeElement(dst + i * outSize, to, loadElement(src + i * inSize, from));
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
