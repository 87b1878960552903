// Result types of the CNN ops around convolutions: pooling, adaptive pooling, flatten.
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferCnnType(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
