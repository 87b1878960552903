// Reductions over a set of axes (reduce_* ops) and arg-max/min.
#pragma once

#include <optional>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

enum class ReduceOp { Sum, Mean, Max, Min, Prod, L1Norm, L2Norm, LogSum, LogSumExp, SumSquare };

// Reduces `x` over `axes` (negative allowed; nullopt = all axes). keepDims leaves size-1 dims.
// Int32 input keeps int32 for Sum/Max/Min/Prod/L1Norm/SumSquare, else float32.
Tensor reduce(ReduceOp op, const Tensor& x, const std::optional<std::vector<int64_t>>& axes,
              bool keepDims);

// Index (int32) of the first maximum / minimum along `axis`.
Tensor argReduce(bool max, const Tensor& x, int64_t axis, bool keepDims);

}  // namespace ts2coreml::runtime::kernels
