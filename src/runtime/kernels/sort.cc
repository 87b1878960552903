#include "runtime/kernels/sort.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace ts2coreml::runtime::kernels {

std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t axis, bool ascending) {
  const int64_t rank = x.rank();
  if (rank == 0) throw Error("topk needs a tensor of rank >= 1");
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) throw Error("topk axis out of range");
  const int64_t n = x.dim(axis);
  if (k < 0 || k > n) throw Error("topk k=" + std::to_string(k) + " exceeds the axis size");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int64_t d = axis + 1; d < rank; ++d) inner *= x.dim(d);
  Shape shape = x.shape();
  shape[static_cast<size_t>(axis)] = k;
  const DType dtype = x.dtype() == DType::Int32 ? DType::Int32 : DType::Float32;
  Tensor values(dtype, shape), indices(DType::Int32, shape);
  Tensor input = x.contiguous();
  std::vector<double> row(static_cast<size_t>(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      for (int64_t j = 0; j < n; ++j)
        row[static_cast<size_t>(j)] = input.elementAsDouble((o * n + j) * inner + i);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        double va = row[static_cast<size_t>(a)], vb = row[static_cast<size_t>(b)];
        return ascending ? va < vb : va > vb;
      });
      for (int64_t j = 0; j < k; ++j) {
        int64_t at = (o * k + j) * inner + i, from = order[static_cast<size_t>(j)];
        double v = row[static_cast<size_t>(from)];
        if (dtype == DType::Int32) {
          values.mutableData<int32_t>()[at] = static_cast<int32_t>(v);
        } else {
          values.mutableData<float>()[at] = static_cast<float>(v);
        }
        indices.mutableData<int32_t>()[at] = static_cast<int32_t>(from);
      }
    }
  }
  return {values, indices};
}

}  // namespace ts2coreml::runtime::kernels
