// What the windowed ops (conv, conv_transpose and the pools) read alike: the spatial dims of an
// operand and MIL's default of 1 per spatial dim for strides and dilations.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace ts2coreml::runtime::mil {

inline std::vector<int64_t> ones(size_t n) {
  return std::vector<int64_t>(n, 1);
}

// The dims after [N, C] (a weight's after [C_out, C_in]).
inline Shape spatialDims(const Tensor& t) {
  // A corrupted model's conv weight can have rank < 2: the iterator would pass the shape's end
  // (found by fuzz_mlpackage).
  if (t.rank() < 3)
    throw Error("a conv/pool operand must have rank >= 3, got " + shapeToString(t.shape()));
  return Shape(t.shape().begin() + 2, t.shape().end());
}

}  // namespace ts2coreml::runtime::mil
