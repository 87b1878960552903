// N-d convolution (1 to 3 spatial dims) via im2col + Eigen GEMM, with groups, dilation, strides
// and explicit padding; and the MIL pad_type rules that produce that padding.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

struct SpatialPadding {
  std::vector<int64_t> before;
  std::vector<int64_t> after;
};

// Padding of a window op for MIL pad_type "valid", "same", "same_lower" or "custom" (`custom` =
// [before0, after0, before1, after1, ...]). "same": out = ceil(in / stride), the odd pixel goes
// after; "same_lower": it goes before.
SpatialPadding resolvePadding(const std::string& padType, const Shape& spatialIn,
                              const std::vector<int64_t>& kernel,
                              const std::vector<int64_t>& strides,
                              const std::vector<int64_t>& dilations,
                              const std::vector<int64_t>& custom);

struct ConvParams {
  std::vector<int64_t> strides;    // per spatial dim
  std::vector<int64_t> dilations;  // per spatial dim
  SpatialPadding padding;
  int64_t groups = 1;
};

// x: [N, C_in, *D]; weight: [C_out, C_in / groups, *K]; bias: [C_out] or none. Float32 result
// of shape [N, C_out, *out] with out = floor((in + before + after - ((K - 1) * dil + 1)) / stride)
// + 1.
Tensor conv(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias,
            const ConvParams& params);

// x: [N, C_in, *D]; weight: [C_in, C_out / groups, *K] (MIL conv_transpose layout). Output dims
// (in - 1) * stride - before - after + (K - 1) * dil + 1, or `outputSpatial` when given.
Tensor convTranspose(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias,
                     const ConvParams& params, const std::optional<Shape>& outputSpatial);

}  // namespace ts2coreml::runtime::kernels
