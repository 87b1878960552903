// Result types of tensor creation: zeros/ones/full/empty with a size list, and their _like forms.
#pragma once

#include <optional>
#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferCreationType(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
