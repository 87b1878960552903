// str methods on compile-time strings (startswith, split, join, ...): scripted models use them on
// attribute values and config strings, and the results decide static branches.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"

namespace ts2coreml::passes {

// The value of aten::<method>(self, args...) when self is a constant string; nullopt otherwise.
std::optional<IValue> evaluateStringMethod(const std::string& kind,
                                           const std::vector<IValue>& args);

}  // namespace ts2coreml::passes
