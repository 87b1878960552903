#include "passes/dead_code_elimination.h"

#include <string>

namespace ts2coreml::passes {

namespace {

bool hasSideEffect(const ir::Node& node, const SideEffectQuery& query) {
  if (query && query(node)) return true;
  for (const auto& block : node.blocks()) {
    for (const auto& inner : block->nodes()) {
      if (hasSideEffect(*inner, query)) return true;
    }
  }
  return false;
}

// One sweep from the back of each block, so chains of dead nodes go in one pass.
int sweep(ir::Block* block, std::map<const ir::Value*, int>& uses, const SideEffectQuery& query) {
  int removed = 0;
  for (size_t i = block->nodes().size(); i-- > 0;) {
    ir::Node* node = block->nodes()[i].get();
    for (const auto& inner : node->blocks()) removed += sweep(inner.get(), uses, query);
    bool used = false;
    for (size_t o = 0; o < node->numOutputs(); ++o) used |= uses[node->output(o)] > 0;
    if (used || hasSideEffect(*node, query)) continue;
    for (ir::Value* input : node->inputs()) --uses[input];
    std::function<void(ir::Block*)> dropInner = [&](ir::Block* b) {
      for (ir::Value* ret : b->returns()) --uses[ret];
      for (const auto& n : b->nodes()) {
        for (ir::Value* input : n->inputs()) --uses[input];
        for (const auto& bb : n->blocks()) dropInner(bb.get());
      }
    };
    for (const auto& inner : node->blocks()) dropInner(inner.get());
    block->eraseNode(node);
    ++removed;
  }
  return removed;
}

}  // namespace

int eliminateDeadCode(ir::Graph& graph, const SideEffectQuery& hasSideEffects) {
  auto uses = ir::countUses(graph.top());
  int total = 0;
  for (;;) {
    int removed = sweep(graph.top(), uses, hasSideEffects);
    total += removed;
    if (!removed) return total;
  }
}

}  // namespace ts2coreml::passes
