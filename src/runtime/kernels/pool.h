// max_pool / avg_pool / l2_pool over 1 to 3 spatial dims.
#pragma once

#include <vector>

#include "core/tensor.h"
#include "runtime/kernels/conv.h"

namespace ts2coreml::runtime::kernels {

enum class PoolOp { Max, Average, L2 };

struct PoolParams {
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  SpatialPadding padding;
  bool ceilMode = false;
  bool excludePaddingFromAverage = false;
};

// x: [N, C, *D]. Output dims floor((in + before + after - K) / stride) + 1 (ceil with ceilMode,
// minus one when the last window would start in the after-padding). Average divides by the
// window positions inside the padded input, or inside the input with excludePaddingFromAverage.
Tensor pool(PoolOp op, const Tensor& x, const PoolParams& params);

}  // namespace ts2coreml::runtime::kernels
