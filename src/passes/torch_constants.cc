#include "passes/torch_constants.h"

#include "passes/static_eval.h"

namespace ts2coreml::passes {

std::optional<IValue> constantValueOf(const ir::Value* v) {
  const ir::Node* producer = v->producer();
  if (producer && producer->kind() == "prim::Constant") return producer->attribute("value");
  return std::nullopt;
}

ir::Value* addConstantAtTop(ir::Graph& graph, const IValue& value) {
  ir::Block* top = graph.top();
  const ir::Node* first = top->nodes().empty() ? nullptr : top->nodes().front().get();
  ir::Node* node =
      first ? top->insertNodeBefore(first, "prim::Constant") : top->appendNode("prim::Constant");
  node->setAttribute("value", value);
  return node->addOutput(typeOfValue(value));
}

}  // namespace ts2coreml::passes
