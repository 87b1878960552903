// Result types of dtype conversions (aten::to, type_as, the .int()/.float() family) and of
// whole-tensor max/min. Kept apart from the per-family rule table in shape_inference.cc.
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferConversionType(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
