// Result types of elementwise math, activations, normalizations, reductions and matrix products
// (the ops of src/lower/ops_math.cc, ops_activation_params.cc, ops_reduce_more.cc,
// ops_matmul.cc).
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferMathType(const std::string& kind, const OpOperands& operands,
                                         size_t index);

}  // namespace ts2coreml::passes
