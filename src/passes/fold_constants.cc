#include "passes/fold_constants.h"

#include <optional>
#include <utility>
#include <vector>

#include "core/error.h"
#include "passes/torch_constants.h"

namespace ts2coreml::passes {

int foldConstants(ir::Graph& graph, const FoldQuery& foldOf,
                  const SideEffectQuery& hasSideEffects) {
  // Collected first: the constants made go to the front of the top block while we walk.
  std::vector<ir::Node*> nodes;
  ir::forEachNode(graph.top(), [&](ir::Node* node) { nodes.push_back(node); });
  int folded = 0;
  for (ir::Node* node : nodes) {
    if (node->kind() == "prim::Constant" || node->numOutputs() != 1 || !node->blocks().empty())
      continue;
    if (hasSideEffects && hasSideEffects(*node)) continue;
    std::vector<IValue> args;
    for (const ir::Value* input : node->inputs()) {
      std::optional<IValue> value = constantValueOf(input);
      if (!value) break;
      args.push_back(std::move(*value));
    }
    if (args.size() != node->inputs().size()) continue;
    std::optional<IValue> value;
    try {
      value = evaluateScalarOp(node->kind(), args, foldOf ? foldOf(node->kind()) : nullptr);
    } catch (const Error& error) {  // a value error (division by zero, ...): name the op
      if (error.located()) throw;
      throw Error(node->describe(), error);
    }
    if (!value) continue;
    ir::replaceAllUsesWith(graph.top(), node->output(0), addConstantAtTop(graph, *value));
    ++folded;
  }
  return folded;
}

}  // namespace ts2coreml::passes
