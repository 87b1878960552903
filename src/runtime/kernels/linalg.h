// matmul (numpy semantics with broadcast batch dims and optional transposes) and linear.
#pragma once

#include <optional>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

// 1-D operands are promoted ([K] -> [1, K] for x, [K, 1] for y) and the added dim is removed
// from the result. Both int32 -> int32 result, else float32.
Tensor matmul(const Tensor& x, const Tensor& y, bool transposeX = false, bool transposeY = false);

// x: [*, D_in]; weight: [D_out, D_in]; bias: [D_out] (optional) -> [*, D_out].
Tensor linear(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias);

}  // namespace ts2coreml::runtime::kernels
