// Result types of the ops that move data around or make it (src/lower/ops_layout.cc,
// ops_padding.cc, ops_advanced_index.cc, ops_creation.cc, ops_conv_transpose.cc): expand, repeat,
// squeeze, narrow, pixel shuffles, padding, indexing with index tensors, arange and new_*,
// transposed convolutions and 1-D pooling.
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferLayoutType(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
