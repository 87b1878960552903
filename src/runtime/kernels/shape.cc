#include "runtime/kernels/shape.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

Tensor reshape(const Tensor& x, const std::vector<int64_t>& shape) {
  Shape out(shape.begin(), shape.end());
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0) {
      if (out.size() != static_cast<size_t>(x.rank())) {
        throw Error("reshape to " + shapeToString(out) + ": 0 entries need the same rank as x " +
                    shapeToString(x.shape()));
      }
      out[i] = x.dim(static_cast<int64_t>(i));
    }
    if (out[i] == -1) {
      if (inferred >= 0) throw Error("reshape shape has more than one -1");
      inferred = static_cast<int64_t>(i);
    } else if (out[i] < 0) {
      throw Error("reshape shape has a negative entry " + std::to_string(out[i]));
    } else {
      known *= out[i];
    }
  }
  if (inferred >= 0) {
    if (known == 0 || x.numel() % known != 0) {
      throw Error("cannot reshape " + shapeToString(x.shape()) + " into " + shapeToString(shape));
    }
    out[inferred] = x.numel() / known;
  }
  if (shapeNumel(out) != x.numel()) {
    throw Error("cannot reshape " + shapeToString(x.shape()) + " (" + std::to_string(x.numel()) +
                " elements) into " + shapeToString(out));
  }
  return x.contiguous().reshaped(out);
}

Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  if (static_cast<int64_t>(perm.size()) != x.rank()) {
    throw Error("transpose perm has " + std::to_string(perm.size()) + " entries for rank " +
                std::to_string(x.rank()));
  }
  Shape shape, strides;
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    int64_t axis = normalizeAxis(p, x.rank(), "transpose perm entry");
    if (seen[axis]) throw Error("transpose perm repeats axis " + std::to_string(axis));
    seen[axis] = true;
    shape.push_back(x.shape()[axis]);
    strides.push_back(x.strides()[axis]);
  }
  return Tensor::view(x.buffer(), x.dtype(), shape, strides, x.offset()).contiguous();
}

Tensor expandDims(const Tensor& x, const std::vector<int64_t>& axes) {
  const int64_t outRank = x.rank() + static_cast<int64_t>(axes.size());
  std::vector<bool> inserted(static_cast<size_t>(outRank), false);
  for (int64_t axis : axes) {
    int64_t a = normalizeAxis(axis, outRank, "expand_dims axis");
    if (inserted[a]) throw Error("expand_dims repeats axis " + std::to_string(axis));
    inserted[a] = true;
  }
  Shape out;
  size_t next = 0;
  for (int64_t i = 0; i < outRank; ++i) out.push_back(inserted[i] ? 1 : x.shape()[next++]);
  return x.contiguous().reshaped(out);
}

Tensor squeeze(const Tensor& x, const std::optional<std::vector<int64_t>>& axes) {
  std::vector<bool> drop(static_cast<size_t>(x.rank()), false);
  if (axes) {
    for (int64_t axis : *axes) {
      int64_t a = normalizeAxis(axis, x.rank(), "squeeze axis");
      if (x.shape()[a] != 1) {
        throw Error("squeeze axis " + std::to_string(axis) + " has size " +
                    std::to_string(x.shape()[a]));
      }
      drop[a] = true;
    }
  } else {
    for (int64_t i = 0; i < x.rank(); ++i) drop[i] = x.shape()[i] == 1;
  }
  Shape out;
  for (int64_t i = 0; i < x.rank(); ++i) {
    if (!drop[i]) out.push_back(x.shape()[i]);
  }
  return x.contiguous().reshaped(out);
}

Tensor shapeOf(const Tensor& x) {
  Tensor out(DType::Int32, {x.rank()});
  for (int64_t i = 0; i < x.rank(); ++i)
    out.mutableData<int32_t>()[i] = static_cast<int32_t>(x.dim(i));
  return out;
}

Tensor fill(const std::vector<int64_t>& shape, double value, DType dtype) {
  for (int64_t d : shape) {
    if (d < 0) throw Error("fill shape " + shapeToString(shape) + " has a negative dim");
  }
  Tensor one = Tensor::scalar(dtype, value);
  Tensor out(dtype, Shape(shape.begin(), shape.end()));
  const size_t item = elementSize(dtype);
  auto* dst = static_cast<uint8_t*>(out.mutableRawData());
  for (int64_t i = 0; i < out.numel(); ++i) std::memcpy(dst + i * item, one.rawData(), item);
  return out;
}

Tensor range1d(const Tensor& end, const Tensor& start, const Tensor& step) {
  const bool integers =
      isIntegerLike(end.dtype()) && isIntegerLike(start.dtype()) && isIntegerLike(step.dtype());
  const double e = end.elementAsDouble(0), s = start.elementAsDouble(0),
               d = step.elementAsDouble(0);
  if (d == 0) throw Error("range_1d step is 0");
  const int64_t count = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((e - s) / d)));
  Tensor out(integers ? DType::Int32 : DType::Float32, {count});
  for (int64_t i = 0; i < count; ++i) {
    const double v = s + static_cast<double>(i) * d;
    if (integers) {
      out.mutableData<int32_t>()[i] = static_cast<int32_t>(v);
    } else {
      out.mutableData<float>()[i] = static_cast<float>(v);
    }
  }
  return out;
}

Tensor tile(const Tensor& x, const std::vector<int64_t>& reps) {
  if (static_cast<int64_t>(reps.size()) != x.rank()) {
    throw Error("tile reps has " + std::to_string(reps.size()) + " entries for rank " +
                std::to_string(x.rank()));
  }
  Shape out = x.shape();
  for (size_t i = 0; i < out.size(); ++i) out[i] *= reps[i];
  Tensor in = x.contiguous();
  Tensor result(x.dtype(), out);
  // Read through strides modulo the input dims: the output index i maps to i % dim.
  const size_t item = elementSize(x.dtype());
  const Shape inStrides = contiguousStrides(in.shape());
  std::vector<int64_t> index(out.size(), 0);
  auto* dst = static_cast<uint8_t*>(result.mutableRawData());
  const auto* src = static_cast<const uint8_t*>(in.rawData());
  for (int64_t i = 0; i < result.numel(); ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < out.size(); ++d) offset += (index[d] % in.shape()[d]) * inStrides[d];
    std::memcpy(dst + i * item, src + offset * item, item);
    for (size_t d = out.size(); d-- > 0;) {
      if (++index[d] < out[d]) break;
      index[d] = 0;
    }
  }
  return result;
}

}  // namespace ts2coreml::runtime::kernels
