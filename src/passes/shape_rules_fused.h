// Result types of torch's fused library ops (the eval-mode fast paths of nn.Transformer*).
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferFusedType(const std::string& kind, const OpOperands& operands,
                                          size_t index);

}  // namespace ts2coreml::passes
