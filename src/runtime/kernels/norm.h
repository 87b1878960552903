// softmax and the normalisation ops (batch_norm, instance_norm, layer_norm, l2_norm).
#pragma once

#include <optional>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

Tensor softmax(const Tensor& x, int64_t axis);
Tensor logSoftmax(const Tensor& x, int64_t axis);

// x: [N, C, *D]; per-channel (axis 1) (x - mean) / sqrt(variance + epsilon) * gamma + beta.
Tensor batchNorm(const Tensor& x, const Tensor& mean, const Tensor& variance,
                 const std::optional<Tensor>& gamma, const std::optional<Tensor>& beta,
                 float epsilon);

// x: [N, C, *D]; normalises every (n, c) over the spatial dims, then gamma/beta per channel.
Tensor instanceNorm(const Tensor& x, const std::optional<Tensor>& gamma,
                    const std::optional<Tensor>& beta, float epsilon);

// Normalises over `axes` (nullopt = all); gamma/beta have the shape of x's dims at `axes`.
Tensor layerNorm(const Tensor& x, const std::optional<std::vector<int64_t>>& axes,
                 const std::optional<Tensor>& gamma, const std::optional<Tensor>& beta,
                 float epsilon);

}  // namespace ts2coreml::runtime::kernels
