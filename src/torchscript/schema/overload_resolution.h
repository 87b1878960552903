// Choosing the overload of an op for a call, as torch's schema matching does
// (torchscript-archive-format.md 3.8): overloads in table order, first without implicit
// conversions, then with them; the first that binds every argument wins. Nothing is emitted
// here, so a failed candidate leaves no trace; operator_binding.cc materialises the plan.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "torchscript/schema/schema.h"
#include "torchscript/schema/type_match.h"

namespace ts2coreml::torchscript::schema {

struct ArgumentPlan {
  ir::Value* value = nullptr;  // null: use the schema default
  Conversion conversion = Conversion::None;
};

struct OverloadMatch {
  const Schema* schema = nullptr;
  std::vector<ArgumentPlan> arguments;  // one per schema argument
  std::vector<ir::Value*> varargs;      // extra positionals of a `...` schema
  TypeBindings bindings;                // type variables (t, t1, ...) bound by the arguments
};

std::optional<OverloadMatch> resolveOverload(
    const std::vector<const Schema*>& candidates, const std::vector<ir::Value*>& positional,
    const std::vector<std::pair<std::string, ir::Value*>>& keywords);

// Binds against one schema; nullopt when it does not fit.
std::optional<OverloadMatch> matchSchema(
    const Schema& schema, const std::vector<ir::Value*>& positional,
    const std::vector<std::pair<std::string, ir::Value*>>& keywords, bool allowConversions);

}  // namespace ts2coreml::torchscript::schema
