#include "runtime/kernels/index.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

#include "runtime/kernels/kernel_utils.h"
#include "runtime/kernels/shape.h"

namespace ts2coreml::runtime::kernels {

namespace {

bool flag(const std::vector<bool>& mask, size_t i) {
  return i < mask.size() && mask[i];
}

// Copies `rows` blocks of `rowBytes` from src (with stride srcStride) to dst (dstStride).
void copyBlocks(const uint8_t* src, int64_t srcStride, uint8_t* dst, int64_t dstStride,
                int64_t rows, int64_t rowBytes) {
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(dst + r * dstStride, src + r * srcStride, rowBytes);
}

}  // namespace

Tensor sliceByIndex(const Tensor& x, const SliceSpec& spec) {
  const size_t rank = static_cast<size_t>(x.rank());
  if (spec.begin.size() != rank || spec.end.size() != rank ||
      (!spec.stride.empty() && spec.stride.size() != rank)) {
    throw Error("slice_by_index begin/end/stride need " + std::to_string(rank) + " entries");
  }
  Shape shape, strides, squeezed;
  int64_t offset = x.offset();
  for (size_t i = 0; i < rank; ++i) {
    const int64_t dim = x.shape()[i];
    const int64_t step = spec.stride.empty() ? 1 : spec.stride[i];
    if (step == 0) throw Error("slice_by_index stride is 0 on axis " + std::to_string(i));
    auto wrap = [dim](int64_t v) { return v < 0 ? v + dim : v; };
    if (flag(spec.squeezeMask, i)) {
      const int64_t index = flag(spec.beginMask, i) ? 0 : wrap(spec.begin[i]);
      if (index < 0 || index >= dim) {
        throw Error("slice_by_index index " + std::to_string(spec.begin[i]) +
                    " is out of range for axis " + std::to_string(i) + " of size " +
                    std::to_string(dim));
      }
      offset += index * x.strides()[i];
      continue;
    }
    int64_t b, e;
    if (step > 0) {
      b = flag(spec.beginMask, i) ? 0 : std::clamp<int64_t>(wrap(spec.begin[i]), 0, dim);
      e = flag(spec.endMask, i) ? dim : std::clamp<int64_t>(wrap(spec.end[i]), 0, dim);
    } else {
      b = flag(spec.beginMask, i) ? dim - 1 : std::clamp<int64_t>(wrap(spec.begin[i]), -1, dim - 1);
      e = flag(spec.endMask, i) ? -1 : std::clamp<int64_t>(wrap(spec.end[i]), -1, dim - 1);
    }
    const int64_t count = step > 0 ? std::max<int64_t>(0, (e - b + step - 1) / step)
                                   : std::max<int64_t>(0, (b - e - step - 1) / -step);
    shape.push_back(count);
    strides.push_back(x.strides()[i] * step);
    if (count > 0) offset += b * x.strides()[i];
  }
  if (shapeNumel(shape) == 0) return Tensor(x.dtype(), shape);
  return Tensor::view(x.buffer(), x.dtype(), shape, strides, offset).contiguous();
}

Tensor sliceBySize(const Tensor& x, const std::vector<int64_t>& begin,
                   const std::vector<int64_t>& size) {
  SliceSpec spec;
  for (size_t i = 0; i < begin.size(); ++i) {
    const int64_t dim = x.dim(static_cast<int64_t>(i));
    const int64_t b = begin[i] < 0 ? begin[i] + dim : begin[i];
    const int64_t n = size.at(i) < 0 ? dim - b : size[i];
    if (b < 0 || b + n > dim) {
      throw Error("slice_by_size [" + std::to_string(begin[i]) + ", +" + std::to_string(size[i]) +
                  ") is out of range for axis " + std::to_string(i) + " of size " +
                  std::to_string(dim));
    }
    spec.begin.push_back(b);
    spec.end.push_back(b + n);
  }
  return sliceByIndex(x, spec);
}

Tensor gather(const Tensor& x, const Tensor& indices, int64_t axis) {
  axis = normalizeAxis(axis, x.rank(), "gather axis");
  Tensor in = x.contiguous();
  const Shape& s = in.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= s[i];
  for (int64_t i = axis + 1; i < in.rank(); ++i) inner *= s[i];
  const int64_t dim = s[axis];
  std::vector<int64_t> idx = toInt64s(indices);
  for (auto& v : idx) {
    if (v < -dim || v >= dim) {
      throw Error("gather index " + std::to_string(v) + " is out of range for axis size " +
                  std::to_string(dim));
    }
    if (v < 0) v += dim;
  }
  Shape out(s.begin(), s.begin() + axis);
  out.insert(out.end(), indices.shape().begin(), indices.shape().end());
  out.insert(out.end(), s.begin() + axis + 1, s.end());
  Tensor result(x.dtype(), out);
  const int64_t item = static_cast<int64_t>(elementSize(x.dtype()));
  const auto* src = static_cast<const uint8_t*>(in.rawData());
  auto* dst = static_cast<uint8_t*>(result.mutableRawData());
  const int64_t count = static_cast<int64_t>(idx.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < count; ++k) {
      std::memcpy(dst + (o * count + k) * inner * item, src + (o * dim + idx[k]) * inner * item,
                  inner * item);
    }
  }
  return result;
}

namespace {

// indices has data's rank and its sizes outside `axis` (as MIL requires of both ops).
bool fitsOffAxis(const Tensor& data, const Tensor& indices, int64_t axis) {
  bool fits = indices.rank() == data.rank();
  for (int64_t d = 0; fits && d < data.rank(); ++d)
    fits = d == axis || indices.dim(d) == data.dim(d);
  return fits;
}

// Calls fn(i, offset) for each element i of `indices` (row-major): `offset` is where i's position
// lands in a contiguous tensor of `shape` once its `axis` coordinate is indices[i] (negative
// counts from the end; out of range is an Error naming `op`).
template <class Fn>
void forEachAlongAxis(const Shape& shape, const std::vector<int64_t>& indices,
                      const Shape& indexShape, int64_t axis, const char* op, Fn&& fn) {
  const Shape strides = contiguousStrides(shape);
  const int64_t dim = shape[static_cast<size_t>(axis)];
  std::vector<int64_t> pos(indexShape.size(), 0);
  for (size_t i = 0; i < indices.size(); ++i) {
    int64_t v = indices[i];
    if (v < -dim || v >= dim)
      throw Error(std::string(op) + " index " + std::to_string(v) + " is out of range");
    if (v < 0) v += dim;
    int64_t offset = 0;
    for (size_t d = 0; d < pos.size(); ++d)
      offset += (static_cast<int64_t>(d) == axis ? v : pos[d]) * strides[d];
    fn(i, offset);
    for (size_t d = pos.size(); d-- > 0;) {
      if (++pos[d] < indexShape[d]) break;
      pos[d] = 0;
    }
  }
}

}  // namespace

Tensor gatherAlongAxis(const Tensor& x, const Tensor& indices, int64_t axis) {
  axis = normalizeAxis(axis, x.rank(), "gather_along_axis axis");
  if (!fitsOffAxis(x, indices, axis)) {
    throw Error("gather_along_axis indices " + shapeToString(indices.shape()) + " must have x " +
                shapeToString(x.shape()) + "'s sizes outside axis " + std::to_string(axis));
  }
  Tensor in = x.contiguous();
  Tensor result(x.dtype(), indices.shape());
  const size_t item = elementSize(x.dtype());
  const auto* src = static_cast<const uint8_t*>(in.rawData());
  auto* dst = static_cast<uint8_t*>(result.mutableRawData());
  forEachAlongAxis(in.shape(), toInt64s(indices), indices.shape(), axis, "gather_along_axis",
                   [&](size_t i, int64_t offset) {
                     std::memcpy(dst + i * item, src + static_cast<size_t>(offset) * item, item);
                   });
  return result;
}

std::optional<ScatterMode> scatterModeNamed(const std::string& name) {
  static const std::pair<const char*, ScatterMode> kModes[] = {
      {"update", ScatterMode::Update}, {"add", ScatterMode::Add}, {"sub", ScatterMode::Sub},
      {"mul", ScatterMode::Mul},       {"div", ScatterMode::Div}, {"max", ScatterMode::Max},
      {"min", ScatterMode::Min}};
  for (const auto& [modeName, mode] : kModes) {
    if (name == modeName) return mode;
  }
  return std::nullopt;
}

namespace {

template <typename T>
T combine(T current, T update, ScatterMode mode) {
  switch (mode) {
    case ScatterMode::Update:
      return update;
    case ScatterMode::Add:
      return current + update;
    case ScatterMode::Sub:
      return current - update;
    case ScatterMode::Mul:
      return current * update;
    case ScatterMode::Div:
      if constexpr (std::is_integral_v<T>) {
        if (update == 0) throw Error("scatter_along_axis: integer division by zero");
      }
      return current / update;
    case ScatterMode::Max:
      return std::max(current, update);
    case ScatterMode::Min:
      return std::min(current, update);
  }
  return update;
}

// `result` (contiguous, data's values) updated in place; T is its element type.
template <typename T>
void scatterInto(Tensor& result, const std::vector<int64_t>& indices, const Tensor& updates,
                 const Shape& indexShape, int64_t axis, ScatterMode mode) {
  const Tensor values = updates.to(result.dtype()).contiguous();
  const T* update = values.data<T>();
  T* out = result.mutableData<T>();
  forEachAlongAxis(
      result.shape(), indices, indexShape, axis, "scatter_along_axis",
      [&](size_t i, int64_t offset) { out[offset] = combine(out[offset], update[i], mode); });
}

}  // namespace

Tensor scatterAlongAxis(const Tensor& data, const Tensor& indices, const Tensor& updates,
                        int64_t axis, ScatterMode mode) {
  axis = normalizeAxis(axis, data.rank(), "scatter_along_axis axis");
  if (updates.shape() != indices.shape() || !fitsOffAxis(data, indices, axis)) {
    throw Error("scatter_along_axis: indices " + shapeToString(indices.shape()) + " and updates " +
                shapeToString(updates.shape()) + " must have one shape, with data " +
                shapeToString(data.shape()) + "'s sizes outside axis " + std::to_string(axis));
  }
  const std::vector<int64_t> idx = toInt64s(indices);
  if (isIntegerLike(data.dtype())) {
    Tensor result = data.to(DType::Int32).clone();
    scatterInto<int32_t>(result, idx, updates, indices.shape(), axis, mode);
    return result.to(data.dtype());
  }
  Tensor result = data.to(DType::Float32).clone();
  scatterInto<float>(result, idx, updates, indices.shape(), axis, mode);
  return result.to(data.dtype());
}

Tensor concat(const std::vector<Tensor>& values, int64_t axis, bool interleave) {
  if (values.empty()) throw Error("concat needs at least one value");
  const Tensor& first = values[0];
  axis = normalizeAxis(axis, first.rank(), "concat axis");
  Shape out = first.shape();
  out[axis] = 0;
  for (const Tensor& v : values) {
    bool ok = v.rank() == first.rank();
    for (int64_t i = 0; ok && i < v.rank(); ++i) ok = i == axis || v.dim(i) == first.dim(i);
    if (!ok || (interleave && v.shape() != first.shape())) {
      throw Error("concat inputs " + shapeToString(first.shape()) + " and " +
                  shapeToString(v.shape()) + " do not match outside axis " + std::to_string(axis));
    }
    out[axis] += v.dim(axis);
  }
  // Values of another dtype (mixed fp16/fp32 after precision changes) follow the first.
  const DType dtype = first.dtype();
  Tensor result(dtype, out);
  const int64_t item = static_cast<int64_t>(elementSize(dtype));
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= out[i];
  for (int64_t i = axis + 1; i < static_cast<int64_t>(out.size()); ++i) inner *= out[i];
  const int64_t outRow = out[axis] * inner * item;
  auto* dst = static_cast<uint8_t*>(result.mutableRawData());
  int64_t position = 0;  // in slices along axis
  for (size_t k = 0; k < values.size(); ++k) {
    Tensor v = asContiguous(values[k], dtype);
    const int64_t n = v.dim(axis);
    if (interleave) {
      // slice j of input k lands at j * count + k
      for (int64_t j = 0; j < n; ++j) {
        copyBlocks(static_cast<const uint8_t*>(v.rawData()) + j * inner * item, n * inner * item,
                   dst + ((j * static_cast<int64_t>(values.size())) + static_cast<int64_t>(k)) *
                             inner * item,
                   outRow, outer, inner * item);
      }
    } else {
      copyBlocks(static_cast<const uint8_t*>(v.rawData()), n * inner * item,
                 dst + position * inner * item, outRow, outer, n * inner * item);
      position += n;
    }
  }
  return result;
}

Tensor stack(const std::vector<Tensor>& values, int64_t axis) {
  if (values.empty()) throw Error("stack needs at least one value");
  axis = normalizeAxis(axis, values[0].rank() + 1, "stack axis");
  std::vector<Tensor> expanded;
  for (const Tensor& v : values) {
    if (v.shape() != values[0].shape()) {
      throw Error("stack inputs differ in shape: " + shapeToString(values[0].shape()) + " and " +
                  shapeToString(v.shape()));
    }
    Shape s = v.shape();
    s.insert(s.begin() + axis, 1);
    expanded.push_back(v.contiguous().reshaped(s));
  }
  return concat(expanded, axis);
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis) {
  axis = normalizeAxis(axis, x.rank(), "split axis");
  int64_t total = 0;
  for (int64_t s : sizes) total += s;
  if (total != x.dim(axis)) {
    throw Error("split sizes add up to " + std::to_string(total) + ", axis has " +
                std::to_string(x.dim(axis)));
  }
  std::vector<Tensor> parts;
  int64_t start = 0;
  for (int64_t s : sizes) {
    SliceSpec spec;
    for (int64_t i = 0; i < x.rank(); ++i) {
      spec.begin.push_back(i == axis ? start : 0);
      spec.end.push_back(i == axis ? start + s : x.dim(i));
    }
    parts.push_back(sliceByIndex(x, spec));
    start += s;
  }
  return parts;
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, const std::string& mode,
           double value) {
  if (pads.size() % 2 != 0 || static_cast<int64_t>(pads.size() / 2) > x.rank()) {
    throw Error("pad has " + std::to_string(pads.size()) + " entries for rank " +
                std::to_string(x.rank()));
  }
  const size_t rank = static_cast<size_t>(x.rank());
  const size_t first = rank - pads.size() / 2;
  std::vector<int64_t> before(rank, 0), after(rank, 0);
  for (size_t i = first; i < rank; ++i) {
    before[i] = pads[2 * (i - first)];
    after[i] = pads[2 * (i - first) + 1];
  }
  if (mode != "constant" && mode != "reflect" && mode != "replicate") {
    throw Error("pad mode '" + mode + "' is not supported");
  }
  Shape out = x.shape();
  for (size_t i = 0; i < rank; ++i) out[i] += before[i] + after[i];
  Tensor in = x.contiguous();
  Tensor result = fill(std::vector<int64_t>(out.begin(), out.end()), value, x.dtype());
  const int64_t item = static_cast<int64_t>(elementSize(x.dtype()));
  const Shape inStrides = contiguousStrides(in.shape());
  std::vector<int64_t> pos(rank, 0);
  for (int64_t i = 0; i < result.numel(); ++i) {
    int64_t offset = 0;
    bool inside = true;
    for (size_t d = 0; d < rank; ++d) {
      int64_t c = pos[d] - before[d];
      const int64_t dim = in.shape()[d];
      if (c < 0 || c >= dim) {
        if (mode == "constant") {
          inside = false;
          break;
        }
        if (mode == "replicate") {
          c = std::clamp<int64_t>(c, 0, dim - 1);
        } else {  // reflect (edge not repeated)
          const int64_t period = 2 * (dim - 1);
          c = period == 0 ? 0 : ((c % period) + period) % period;
          if (c >= dim) c = period - c;
        }
      }
      offset += c * inStrides[d];
    }
    if (inside) {
      std::memcpy(static_cast<uint8_t*>(result.mutableRawData()) + i * item,
                  static_cast<const uint8_t*>(in.rawData()) + offset * item, item);
    }
    for (size_t d = rank; d-- > 0;) {
      if (++pos[d] < out[d]) break;
      pos[d] = 0;
    }
  }
  return result;
}

}  // namespace ts2coreml::runtime::kernels
