#include "passes/mil_fp16.h"

namespace ts2coreml::passes {

namespace {

ir::TypePtr toHalf(const ir::TypePtr& type) {
  if (type->isTensor() && type->dtype() == DType::Float32) {
    return ir::Type::tensor(DType::Float16, type->shape());
  }
  return type;
}

ir::Node* makeConst(ir::Graph& graph, IValue value, ir::TypePtr type) {
  ir::Block* top = graph.top();
  const ir::Node* first = top->nodes().empty() ? nullptr : top->nodes().front().get();
  ir::Node* node = first ? top->insertNodeBefore(first, "mil.const") : top->appendNode("mil.const");
  node->setAttribute("val", std::move(value));
  node->addOutput(std::move(type));
  return node;
}

// Small constants are converted now; large ones keep their fp32 data (possibly a view into the
// archive) and are converted by the backend while streaming them into weight.bin.
constexpr int64_t kConvertInPlaceLimit = 64;

void convertBlock(ir::Graph& graph, ir::Block* block, ir::Value*& fp16Name) {
  // The top block's params are the model inputs: they keep their interface type.
  if (block->owner()) {
    for (const auto& param : block->params()) param->setType(toHalf(param->type()));
  }
  for (size_t i = 0; i < block->nodes().size(); ++i) {
    ir::Node* node = block->nodes()[i].get();
    if (node->kind() == "mil.const") {
      IValue& val = node->attributes()["val"];
      if (val.isTensor() && val.toTensor().dtype() == DType::Float32 &&
          val.toTensor().numel() <= kConvertInPlaceLimit) {
        val = IValue(val.toTensor().to(DType::Float16));
      }
    } else if (node->kind() == "mil.cast") {
      ir::Value* dtype = node->namedInput("dtype");
      const ir::Node* producer = dtype ? dtype->producer() : nullptr;
      if (producer && producer->attribute("val").isString() &&
          producer->attribute("val").toString() == "fp32") {
        if (!fp16Name) fp16Name = makeConst(graph, IValue("fp16"), ir::Type::strType())->output();
        for (size_t k = 0; k < node->inputs().size(); ++k) {
          if (node->inputNames()[k] == "dtype") node->setInput(k, fp16Name);
        }
      }
    }
    for (size_t o = 0; o < node->numOutputs(); ++o) {
      node->output(o)->setType(toHalf(node->output(o)->type()));
    }
    for (const auto& inner : node->blocks()) convertBlock(graph, inner.get(), fp16Name);
  }
}

}  // namespace

void applyFp16ComputePrecision(ir::Graph& milGraph) {
  ir::Value* fp16Name = nullptr;
  convertBlock(milGraph, milGraph.top(), fp16Name);
  ir::Block* top = milGraph.top();
  // Inputs stay fp32 in the interface: cast them once at the start.
  for (const auto& input : milGraph.inputs()) {
    if (!(input->type()->isTensor() && input->type()->dtype() == DType::Float32)) continue;
    if (!fp16Name) fp16Name = makeConst(milGraph, IValue("fp16"), ir::Type::strType())->output();
    // Insert after the leading constants so the dtype constant is defined before the cast.
    const ir::Node* firstOp = nullptr;
    for (const auto& node : top->nodes()) {
      if (node->kind() != "mil.const") {
        firstOp = node.get();
        break;
      }
    }
    ir::Node* cast =
        firstOp ? top->insertNodeBefore(firstOp, "mil.cast") : top->appendNode("mil.cast");
    ir::Value* half = cast->addOutput(toHalf(input->type()));
    ir::replaceAllUsesWith(top, input.get(), half);
    cast->addInput(input.get(), "x");
    cast->addInput(fp16Name, "dtype");
  }
  // Outputs go back to fp32.
  ir::Value* fp32Name = nullptr;
  for (size_t i = 0; i < top->returns().size(); ++i) {
    ir::Value* output = top->returns()[i];
    if (!(output->type()->isTensor() && output->type()->dtype() == DType::Float16)) continue;
    if (!fp32Name) fp32Name = makeConst(milGraph, IValue("fp32"), ir::Type::strType())->output();
    ir::Node* cast = top->appendNode("mil.cast");
    cast->addInput(output, "x");
    cast->addInput(fp32Name, "dtype");
    top->setReturn(i, cast->addOutput(ir::Type::tensor(DType::Float32, output->type()->shape())));
  }
}

}  // namespace ts2coreml::passes
