#include "torchscript/compiler/graph_emitter.h"

#include "lower/aten_op_table.h"
#include "passes/shape_inference.h"
#include "passes/static_eval.h"
#include "passes/torch_constants.h"

namespace ts2coreml::torchscript {

namespace {

// Tensors and Nones (an index list), at least one tensor.
bool isTensorList(const IValue& list) {
  bool anyTensor = false;
  for (const IValue& item : list.items()) {
    if (!item.isTensor() && !item.isNone()) return false;
    anyTensor = anyTensor || item.isTensor();
  }
  return anyTensor;
}

}  // namespace

ir::Value* GraphEmitter::constant(const IValue& value) {
  // Constants go to the start of the top block: visible in every nested block, and a value
  // cached by the compiler (a module weight) stays valid wherever it is used next.
  return passes::addConstantAtTop(graph_, value);
}

std::optional<IValue> GraphEmitter::constantValue(const ir::Value* v) {
  return passes::constantValueOf(v);
}

ir::Node* GraphEmitter::appendNode(const std::string& kind) {
  ir::Node* node = block_->appendNode(kind);
  node->setLocation(location_);
  return node;
}

Error GraphEmitter::locate(const Error& error) const {
  if (error.located() || !location_.known()) return error;
  return Error(location_.describe(), error);
}

std::vector<ir::Value*> GraphEmitter::emit(const std::string& kind,
                                           const std::vector<ir::Value*>& inputs,
                                           const std::vector<ir::TypePtr>& outputTypes) {
  return atCurrentLocation([&] { return emitFolded(kind, inputs, outputTypes); });
}

std::vector<ir::Value*> GraphEmitter::emitFolded(const std::string& kind,
                                                 const std::vector<ir::Value*>& inputs,
                                                 const std::vector<ir::TypePtr>& outputTypes) {
  std::vector<std::optional<IValue>> constants;
  std::vector<ir::TypePtr> types;
  bool allConstant = true;
  for (ir::Value* input : inputs) {
    constants.push_back(constantValue(input));
    types.push_back(input->type());
    allConstant &= constants.back().has_value();
  }
  if (outputTypes.size() == 1) {
    std::optional<IValue> folded;
    if (allConstant) {
      std::vector<IValue> args;
      for (auto& c : constants) args.push_back(*c);
      folded = passes::evaluateScalarOp(kind, args, lower::foldOf(kind));
    }
    if (!folded) folded = passes::evaluateTensorQuery(kind, types, constants);
    if (folded) return {constant(*folded)};
  }
  ir::Node* node = appendNode(kind);
  for (ir::Value* input : inputs) node->addInput(input);
  passes::OpOperands operands{types, constants, {}};
  // The first list operand (cat's and stack's tensors, einsum's operands after the equation).
  // A list folded to a constant (of parameters: beit's cat of q/k/v biases; an index list
  // [None, idx]) gives its items' types.
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Node* producer = inputs[i]->producer();
    if (producer && producer->kind() == "prim::ListConstruct") {
      for (const ir::Value* item : producer->inputs()) operands.listItems.push_back(item->type());
      break;
    }
    if (constants[i] && constants[i]->isList() && isTensorList(*constants[i])) {
      for (const IValue& item : constants[i]->items())
        operands.listItems.push_back(passes::typeOfValue(item));
      break;
    }
  }
  const passes::ShapeRule* rule = lower::shapeRuleOf(kind);  // looked up once for all results
  for (size_t i = 0; i < outputTypes.size(); ++i) {
    ir::TypePtr type = outputTypes[i];
    if (type->isTensor()) {
      if (auto refined = passes::inferTensorType(kind, operands, i, rule)) type = *refined;
    }
    node->addOutput(type);
  }
  std::vector<ir::Value*> outputs;
  for (size_t i = 0; i < node->numOutputs(); ++i) outputs.push_back(node->output(i));
  return outputs;
}

}  // namespace ts2coreml::torchscript
