// Result types of dtype conversions (aten::to, type_as: a rule their op-table rows bind) and of
// max/min (one of the lookups not yet moved into the op table).
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

namespace rules {
// to(self, dtype, ...), to(self, device, dtype, ...), to(self, other), type_as(self, other).
ShapeRule converted();
}  // namespace rules

std::optional<ir::TypePtr> inferConversionType(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
