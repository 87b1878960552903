#include "passes/fold_constants.h"

#include <optional>
#include <utility>
#include <vector>

#include "core/error.h"

namespace ts2coreml::passes {

namespace {

std::optional<IValue> constantOf(const ir::Value* value) {
  const ir::Node* producer = value->producer();
  if (producer && producer->kind() == "prim::Constant") return producer->attribute("value");
  return std::nullopt;
}

// A prim::Constant at the start of the top block (visible in every nested block), as the
// compiler places its constants.
ir::Value* addConstant(ir::Graph& graph, const IValue& value) {
  ir::Block* top = graph.top();
  const ir::Node* first = top->nodes().empty() ? nullptr : top->nodes().front().get();
  ir::Node* node =
      first ? top->insertNodeBefore(first, "prim::Constant") : top->appendNode("prim::Constant");
  node->setAttribute("value", value);
  return node->addOutput(typeOfValue(value));
}

}  // namespace

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
      std::optional<IValue> value = constantOf(input);
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
    ir::replaceAllUsesWith(graph.top(), node->output(0), addConstant(graph, *value));
    ++folded;
  }
  return folded;
}

}  // namespace ts2coreml::passes
