#include "runtime/kernels/norm.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

// Splits x around `axis` into outer x n x inner.
void split3(const Shape& shape, int64_t axis, int64_t& outer, int64_t& n, int64_t& inner) {
  outer = 1;
  inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= shape[i];
  n = shape[axis];
  for (size_t i = static_cast<size_t>(axis) + 1; i < shape.size(); ++i) inner *= shape[i];
}

Tensor softmaxImpl(const Tensor& x, int64_t axis, bool logarithm) {
  Tensor in = asFloat(x);
  axis = normalizeAxis(axis, in.rank(), "softmax axis");
  int64_t outer, n, inner;
  split3(in.shape(), axis, outer, n, inner);
  Tensor out(DType::Float32, in.shape());
  const float* src = in.data<float>();
  float* dst = out.mutableData<float>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < inner; ++k) {
      const int64_t base = o * n * inner + k;
      float maxValue = -INFINITY;
      for (int64_t j = 0; j < n; ++j) maxValue = std::max(maxValue, src[base + j * inner]);
      double sum = 0;
      for (int64_t j = 0; j < n; ++j) sum += std::exp(src[base + j * inner] - maxValue);
      for (int64_t j = 0; j < n; ++j) {
        const float shifted = src[base + j * inner] - maxValue;
        dst[base + j * inner] = logarithm ? shifted - static_cast<float>(std::log(sum))
                                          : static_cast<float>(std::exp(shifted) / sum);
      }
    }
  }
  return out;
}

std::vector<float> channelValues(const std::optional<Tensor>& t, int64_t count, float fallback,
                                 const char* what) {
  if (!t) return std::vector<float>(static_cast<size_t>(count), fallback);
  Tensor f = asFloat(*t);
  if (f.numel() != count) {
    throw Error(std::string(what) + " has " + std::to_string(f.numel()) + " values, expected " +
                std::to_string(count));
  }
  return std::vector<float>(f.data<float>(), f.data<float>() + count);
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) {
  return softmaxImpl(x, axis, false);
}
Tensor logSoftmax(const Tensor& x, int64_t axis) {
  return softmaxImpl(x, axis, true);
}

Tensor batchNorm(const Tensor& x, const Tensor& mean, const Tensor& variance,
                 const std::optional<Tensor>& gamma, const std::optional<Tensor>& beta,
                 float epsilon) {
  Tensor in = asFloat(x);
  if (in.rank() < 2)
    throw Error("batch_norm needs x of rank >= 2, got " + shapeToString(in.shape()));
  int64_t outer, channels, inner;
  split3(in.shape(), 1, outer, channels, inner);
  auto mu = channelValues(mean, channels, 0, "batch_norm mean");
  auto var = channelValues(variance, channels, 1, "batch_norm variance");
  auto g = channelValues(gamma, channels, 1, "batch_norm gamma");
  auto b = channelValues(beta, channels, 0, "batch_norm beta");
  Tensor out(DType::Float32, in.shape());
  const float* src = in.data<float>();
  float* dst = out.mutableData<float>();
  for (int64_t c = 0; c < channels; ++c) {
    const float scale = g[c] / std::sqrt(var[c] + epsilon);
    const float shift = b[c] - mu[c] * scale;
    for (int64_t o = 0; o < outer; ++o) {
      const int64_t base = (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) dst[base + i] = src[base + i] * scale + shift;
    }
  }
  return out;
}

Tensor instanceNorm(const Tensor& x, const std::optional<Tensor>& gamma,
                    const std::optional<Tensor>& beta, float epsilon) {
  Tensor in = asFloat(x);
  if (in.rank() < 3)
    throw Error("instance_norm needs x of rank >= 3, got " + shapeToString(in.shape()));
  int64_t outer, channels, inner;
  split3(in.shape(), 1, outer, channels, inner);
  auto g = channelValues(gamma, channels, 1, "instance_norm gamma");
  auto b = channelValues(beta, channels, 0, "instance_norm beta");
  Tensor out(DType::Float32, in.shape());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const float* src = in.data<float>() + (o * channels + c) * inner;
      float* dst = out.mutableData<float>() + (o * channels + c) * inner;
      double mean = 0, var = 0;
      for (int64_t i = 0; i < inner; ++i) mean += src[i];
      mean /= static_cast<double>(inner);
      for (int64_t i = 0; i < inner; ++i) var += (src[i] - mean) * (src[i] - mean);
      var /= static_cast<double>(inner);
      const double scale = g[c] / std::sqrt(var + epsilon);
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = static_cast<float>((src[i] - mean) * scale + b[c]);
    }
  }
  return out;
}

Tensor layerNorm(const Tensor& x, const std::optional<std::vector<int64_t>>& axes,
                 const std::optional<Tensor>& gamma, const std::optional<Tensor>& beta,
                 float epsilon) {
  Tensor in = asFloat(x);
  const int64_t rank = in.rank();
  std::vector<bool> normalized(static_cast<size_t>(rank), !axes.has_value());
  if (axes) {
    for (int64_t axis : *axes) normalized[normalizeAxis(axis, rank, "layer_norm axis")] = true;
  }
  // Move the normalised axes last (a permutation), normalise contiguous rows, move back.
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i) {
    if (!normalized[i]) perm.push_back(i);
  }
  const size_t kept = perm.size();
  for (int64_t i = 0; i < rank; ++i) {
    if (normalized[i]) perm.push_back(i);
  }
  Shape permShape, permStrides;
  for (int64_t p : perm) {
    permShape.push_back(in.shape()[p]);
    permStrides.push_back(in.strides()[p]);
  }
  Tensor moved =
      Tensor::view(in.buffer(), DType::Float32, permShape, permStrides, in.offset()).contiguous();
  int64_t rowLength = 1;
  for (size_t i = kept; i < permShape.size(); ++i) rowLength *= permShape[i];
  // gamma/beta follow x's dims at `axes` in increasing axis order: the same order as the row.
  auto g = channelValues(gamma, rowLength, 1, "layer_norm gamma");
  auto b = channelValues(beta, rowLength, 0, "layer_norm beta");
  Tensor normalizedRows(DType::Float32, permShape);
  const int64_t rows = moved.numel() / std::max<int64_t>(rowLength, 1);
  for (int64_t r = 0; r < rows; ++r) {
    const float* src = moved.data<float>() + r * rowLength;
    float* dst = normalizedRows.mutableData<float>() + r * rowLength;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < rowLength; ++i) mean += src[i];
    mean /= static_cast<double>(rowLength);
    for (int64_t i = 0; i < rowLength; ++i) var += (src[i] - mean) * (src[i] - mean);
    var /= static_cast<double>(rowLength);
    const double inv = 1.0 / std::sqrt(var + epsilon);
    for (int64_t i = 0; i < rowLength; ++i)
      dst[i] = static_cast<float>((src[i] - mean) * inv * g[i] + b[i]);
  }
  // Inverse permutation back to x's layout.
  Shape backStrides(static_cast<size_t>(rank));
  Shape rowStrides = contiguousStrides(permShape);
  for (size_t i = 0; i < perm.size(); ++i) backStrides[perm[i]] = rowStrides[i];
  return Tensor::view(normalizedRows.buffer(), DType::Float32, in.shape(), backStrides, 0)
      .contiguous();
}

}  // namespace ts2coreml::runtime::kernels
