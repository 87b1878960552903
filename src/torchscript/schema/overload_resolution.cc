#include "torchscript/schema/overload_resolution.h"

namespace ts2coreml::torchscript::schema {
namespace {

bool isAtenNamespace(const std::string& name) {
  return name.rfind("aten::", 0) == 0;
}

std::optional<size_t> argumentByName(const Schema& s, const std::string& name) {
  for (size_t i = 0; i < s.arguments.size(); ++i) {
    if (s.arguments[i].name == name) return i;
  }
  // aten ops accept `input=` for an argument called `self`, as torch does.
  if (name == "input" && isAtenNamespace(s.name)) return argumentByName(s, "self");
  return std::nullopt;
}

// Overloads torch's schema matching never picks (isBlockListedSchema): ScalarType is an int to
// the compiler, so `view.dtype` would capture `view(x, 3)`; the `unary_out` forms of max/min
// collide with `max.other`.
bool isBlockListed(const Schema& s) {
  return (s.name == "aten::view" && s.overload == "dtype") ||
         ((s.name == "aten::max" || s.name == "aten::min") && s.overload == "unary_out");
}

}  // namespace

std::optional<OverloadMatch> matchSchema(
    const Schema& s, const std::vector<ir::Value*>& positional,
    const std::vector<std::pair<std::string, ir::Value*>>& keywords, bool allowConversions) {
  OverloadMatch match;
  match.schema = &s;
  match.arguments.resize(s.arguments.size());
  std::vector<bool> bound(s.arguments.size(), false);
  auto bind = [&](size_t index, ir::Value* value) {
    auto conversion =
        matchArgument(value->type(), s.arguments[index], allowConversions, match.bindings);
    if (!conversion) return false;
    match.arguments[index] = {value, *conversion};
    bound[index] = true;
    return true;
  };

  size_t next = 0;
  for (ir::Value* value : positional) {
    if (next < s.arguments.size() && !s.arguments[next].kwargOnly) {
      if (!bind(next++, value)) return std::nullopt;
    } else if (s.varargs) {
      match.varargs.push_back(value);
    } else {
      return std::nullopt;
    }
  }
  for (const auto& [name, value] : keywords) {
    std::optional<size_t> index = argumentByName(s, name);
    if (!index || bound[*index] || !bind(*index, value)) return std::nullopt;
  }
  for (size_t i = 0; i < s.arguments.size(); ++i) {
    if (!bound[i] && !s.arguments[i].defaultValue) return std::nullopt;
  }
  return match;
}

std::optional<OverloadMatch> resolveOverload(
    const std::vector<const Schema*>& candidates, const std::vector<ir::Value*>& positional,
    const std::vector<std::pair<std::string, ir::Value*>>& keywords) {
  for (bool allowConversions : {false, true}) {
    for (const Schema* candidate : candidates) {
      if (isBlockListed(*candidate)) continue;
      if (auto match = matchSchema(*candidate, positional, keywords, allowConversions))
        return match;
    }
  }
  return std::nullopt;
}

}  // namespace ts2coreml::torchscript::schema
