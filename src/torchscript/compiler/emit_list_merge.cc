// Lists changed inside data-dependent ifs. The compiler tracks a list's items one by one; when a
// branch appends or replaces items, each branch is compiled from the same starting items and
// the results are merged afterwards, item by item, into prim::If outputs. This needs both
// branches to leave the list with the same length (the usual `if c: l.append(a) else:
// l.append(b)`); otherwise the length itself depends on the data and the error says so.
#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

using Journal = std::vector<std::pair<SValue, SugaredValue>>;

const SugaredValue* stateIn(const Journal& journal, const SValue& list) {
  for (const auto& [candidate, state] : journal) {
    if (candidate == list) return &state;
  }
  return nullptr;
}

}  // namespace

void ModuleCompiler::noteListChange(const SValue& list) {
  if (dynamicDepth_ <= list->createdAtDepth) return;  // made on this path: an ordinary change
  bool stacked = list->kind == SugaredValue::Kind::StackedList;  // carried by the loops around
  if (!stacked && !loopBodyDepths_.empty() && loopBodyDepths_.back() > list->createdAtDepth) {
    emitter_.fail(
        "changing a list or dict made outside a data-dependent loop inside the loop is not "
        "supported yet (its length would depend on the data)");
  }
  if (listJournals_.empty()) return;
  ListJournal& journal = *listJournals_.back();
  if (!stateIn(journal, list)) journal.emplace_back(list, *list);
}

void ModuleCompiler::mergeListChanges(ir::Node* node, const ListJournal (&before)[2],
                                      const ListJournal (&after)[2], std::optional<int> liveOnly,
                                      const Stmt& statement) {
  std::vector<SValue> lists;
  for (const auto& journal : before) {
    for (const auto& [list, state] : journal) {
      if (std::find(lists.begin(), lists.end(), list) == lists.end()) lists.push_back(list);
    }
  }
  for (const SValue& list : lists) {
    // The list at the end of each branch (a branch that did not change it leaves it as is).
    SugaredValue branchState[2];
    for (int b = 0; b < 2; ++b) {
      const auto* changed = stateIn(after[b], list);
      branchState[b] = changed ? *changed : *list;
    }
    noteListChange(list);  // the merge changes the list for the enclosing if, if any
    if (liveOnly) {
      *list = branchState[*liveOnly];
      continue;
    }
    if (list->kind == SugaredValue::Kind::StackedList) {
      list->value =
          mergeBranchValues(node, SugaredValue::ofValue(branchState[0].value),
                            SugaredValue::ofValue(branchState[1].value), "list", statement);
      continue;
    }
    if (list->kind == SugaredValue::Kind::Dict) {
      mergeDictEntries(node, list, branchState, statement);
      continue;
    }
    const std::vector<SValue> branchItems[2] = {branchState[0].items, branchState[1].items};
    if (branchItems[0].size() != branchItems[1].size()) {
      fail(statement,
           "a list gets " + std::to_string(branchItems[0].size()) +
               " items on one path "
               "of this data-dependent if and " +
               std::to_string(branchItems[1].size()) +
               " on the other; lists whose length depends on the data are not supported yet");
    }
    std::vector<SValue> merged;
    for (size_t i = 0; i < branchItems[0].size(); ++i) {
      const SValue& a = branchItems[0][i];
      const SValue& b = branchItems[1][i];
      if (a == b || (a->isValue() && b->isValue() && a->value == b->value)) {
        merged.push_back(a);
        continue;
      }
      merged.push_back(SugaredValue::ofValue(
          mergeBranchValues(node, a, b, "list item " + std::to_string(i), statement)));
    }
    list->items = std::move(merged);
  }
}

void ModuleCompiler::mergeDictEntries(ir::Node* node, const SValue& dict,
                                      const SugaredValue (&branchState)[2], const Stmt& statement) {
  const auto& thenEntries = branchState[0].entries;
  const auto& elseEntries = branchState[1].entries;
  bool sameKeys = thenEntries.size() == elseEntries.size();
  for (size_t i = 0; sameKeys && i < thenEntries.size(); ++i)
    sameKeys = thenEntries[i].first == elseEntries[i].first;
  if (!sameKeys) {
    fail(statement,
         "a dict gets different keys on the two paths of this data-dependent if; "
         "this is not supported yet");
  }
  std::vector<std::pair<IValue, SValue>> merged;
  for (size_t i = 0; i < thenEntries.size(); ++i) {
    const SValue& a = thenEntries[i].second;
    const SValue& b = elseEntries[i].second;
    if (a == b || (a->isValue() && b->isValue() && a->value == b->value)) {
      merged.emplace_back(thenEntries[i].first, a);
      continue;
    }
    merged.emplace_back(thenEntries[i].first,
                        SugaredValue::ofValue(mergeBranchValues(
                            node, a, b, "dict entry " + thenEntries[i].first.repr(), statement)));
  }
  dict->entries = std::move(merged);
}

ir::Value* ModuleCompiler::mergeBranchValues(ir::Node* node, const SValue& thenValue,
                                             const SValue& elseValue, const std::string& what,
                                             const Stmt& statement) {
  ir::Block* outer = emitter_.block();
  ir::Value* values[2];
  for (int k = 0; k < 2; ++k) {
    emitter_.setBlock(node->block(static_cast<size_t>(k)));
    values[k] = materialize(k == 0 ? thenValue : elseValue);
  }
  emitter_.setBlock(outer);
  auto type = unifyTypes(values[0]->type(), values[1]->type());
  if (!type) {
    fail(statement, what + " is " + values[0]->type()->str() + " on one path and " +
                        values[1]->type()->str() + " on the other");
  }
  node->block(0)->addReturn(values[0]);
  node->block(1)->addReturn(values[1]);
  return node->addOutput(*type);
}

}  // namespace ts2coreml::torchscript
