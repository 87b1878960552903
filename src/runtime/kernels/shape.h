// Ops that rearrange or create tensors without arithmetic: reshape, transpose, expand_dims,
// squeeze, shape, fill, range_1d, tile.
#pragma once

#include <optional>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

// MIL reshape: entries are sizes, one -1 (inferred) or 0 (copy x's dim i; only when the target
// rank equals x's rank). Keeps the dtype.
Tensor reshape(const Tensor& x, const std::vector<int64_t>& shape);
// Output dim i = x dim perm[i] (negative perm entries allowed).
Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm);
// Inserts size-1 dims; axes refer to the output rank (negative allowed).
Tensor expandDims(const Tensor& x, const std::vector<int64_t>& axes);
// Removes the given size-1 dims (nullopt: all size-1 dims).
Tensor squeeze(const Tensor& x, const std::optional<std::vector<int64_t>>& axes);
// x's shape as an int32 vector.
Tensor shapeOf(const Tensor& x);
// A tensor of `shape` filled with `value` (as `dtype`).
Tensor fill(const std::vector<int64_t>& shape, double value, DType dtype);
// [start, end) by step; int32 when all three are integers, else float32.
Tensor range1d(const Tensor& end, const Tensor& start, const Tensor& step);
// Repeats x reps[i] times along dim i.
Tensor tile(const Tensor& x, const std::vector<int64_t>& reps);

}  // namespace ts2coreml::runtime::kernels
