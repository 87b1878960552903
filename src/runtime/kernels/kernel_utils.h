// Helpers shared by the CPU kernels: dtype views, axis normalisation, broadcasting iteration.
// Kernels compute in float32 (int32 / bool where the op allows); the interpreter rounds results to
// the op's declared dtype (fp16 outputs are therefore rounded after every op).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

// Contiguous float32 data of `t` (no copy when it already is contiguous float32).
Tensor asFloat(const Tensor& t);
// Contiguous tensor of `dtype` (no copy when it already is).
Tensor asContiguous(const Tensor& t, DType dtype);
bool isIntegerLike(DType dtype);  // int/uint types and bool

// Values of a small tensor (shape vectors, axes, scalars) as int64 / double.
std::vector<int64_t> toInt64s(const Tensor& t);
std::vector<double> toDoubles(const Tensor& t);

// `axis` in [-rank, rank) -> [0, rank); Error naming `what` otherwise.
int64_t normalizeAxis(int64_t axis, int64_t rank, const std::string& what = "axis");

// numpy broadcasting of two shapes; Error naming both shapes when incompatible.
Shape broadcastShapes(const Shape& a, const Shape& b);
// Element strides that read a contiguous tensor of `shape` as if it had `outShape` (0 on
// broadcast dims). `shape` is right-aligned with `outShape`.
Shape broadcastStrides(const Shape& shape, const Shape& outShape);

// Calls fn(outIndex, offsets...) for every element of `outShape` in row-major order, with one
// offset per operand computed from that operand's (broadcast) strides.
template <size_t N, typename Fn>
void forEachBroadcast(const Shape& outShape, const Shape (&strides)[N], Fn&& fn) {
  const int64_t total = shapeNumel(outShape);
  if (total == 0) return;
  const size_t rank = outShape.size();
  int64_t offsets[N] = {};
  if (rank == 0) {
    fn(int64_t{0}, offsets);
    return;
  }
  std::vector<int64_t> index(rank, 0);
  const int64_t inner = outShape[rank - 1];
  int64_t innerStride[N];
  for (size_t k = 0; k < N; ++k) innerStride[k] = strides[k][rank - 1];
  for (int64_t out = 0; out < total;) {
    int64_t cursor[N];
    for (size_t k = 0; k < N; ++k) cursor[k] = offsets[k];
    for (int64_t i = 0; i < inner; ++i, ++out) {
      fn(out, cursor);
      for (size_t k = 0; k < N; ++k) cursor[k] += innerStride[k];
    }
    for (size_t d = rank - 1; d-- > 0;) {
      for (size_t k = 0; k < N; ++k) offsets[k] += strides[k][d];
      if (++index[d] < outShape[d]) break;
      for (size_t k = 0; k < N; ++k) offsets[k] -= strides[k][d] * outShape[d];
      index[d] = 0;
    }
  }
}

}  // namespace ts2coreml::runtime::kernels
