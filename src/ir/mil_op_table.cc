#include "ir/mil_op_table.h"

#include <unordered_map>

#include "core/error.h"

namespace ts2coreml::ir {

namespace {

const std::unordered_map<std::string_view, const MilOpSpec*>& rowsByName() {
  static const auto rows = [] {
    std::unordered_map<std::string_view, const MilOpSpec*> byName;
    for (const MilOpSpec& op : kMilOps) byName.emplace(op.name, &op);
    return byName;
  }();
  return rows;
}

}  // namespace

const MilOpSpec* findMilOpSpec(std::string_view name) {
  const auto& rows = rowsByName();
  auto it = rows.find(name);
  return it == rows.end() ? nullptr : it->second;
}

const MilOpSpec* findMilOpSpecOfKind(std::string_view kind) {
  constexpr std::string_view prefix = "mil.";
  if (kind.substr(0, prefix.size()) != prefix) return nullptr;
  return findMilOpSpec(kind.substr(prefix.size()));
}

MilOpName MilOpName::checked(std::string_view name) {
  const MilOpSpec* spec = findMilOpSpec(name);
  if (!spec) {
    throw Error("internal error: MIL op '" + quoteInput(name) +
                "' is not in the op table (src/ir/mil_ops.def)");
  }
  // The table's own copy of the name outlives any caller's string.
  return MilOpName(spec->name, Verified{});
}

}  // namespace ts2coreml::ir
