// Result types of dtype conversions (aten::to, type_as), a rule their op-table rows bind
// (lower/ops_conversion.cc).
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

namespace rules {
// to(self, dtype, ...), to(self, device, dtype, ...), to(self, other), type_as(self, other).
ShapeRule converted();
}  // namespace rules

}  // namespace ts2coreml::passes
