// Result types of joining and indexing ops: cat, stack, unsqueeze, slice, select.
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferIndexingType(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
