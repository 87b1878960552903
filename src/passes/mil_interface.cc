#include "passes/mil_interface.h"

#include "core/error.h"
#include "passes/mil_rewrite.h"

namespace ts2coreml::passes {

namespace {

// The first node that is not a constant: new ops go before it, new constants at the very front.
const ir::Node* firstOp(ir::Block* top) {
  for (const auto& node : top->nodes()) {
    if (node->kind() != "mil.const") return node.get();
  }
  return nullptr;
}

ir::Node* addOpBefore(ir::Block* top, const ir::Node* before, const std::string& kind) {
  return before ? top->insertNodeBefore(before, kind) : top->appendNode(kind);
}

std::string castName(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "fp32";
    case DType::Float16:
      return "fp16";
    case DType::Int32:
      return "int32";
    default:
      throw Error("outputs can be cast to float32, float16 or int32, not " +
                  std::string(dtypeName(dtype)));
  }
}

}  // namespace

void addImagePreprocessing(ir::Graph& milGraph, size_t inputIndex, const ImageInput& image) {
  ir::Block* top = milGraph.top();
  ir::Value* input = milGraph.inputs().at(inputIndex).get();
  const ir::TypePtr& type = input->type();
  const int64_t channels = type->shape()->at(1);

  ir::Value* current = input;
  std::vector<ir::Node*> added;
  // Both ops go before the program's first op, in order.
  const ir::Node* before = firstOp(top);
  if (image.scale != 1.0f) {
    ir::Node* mul = addOpBefore(top, before, "mil.mul");
    mul->addInput(current, "x");
    mul->addInput(mil::addConst(milGraph, IValue(Tensor::scalar(DType::Float32, image.scale)),
                                ir::Type::tensor(DType::Float32, Shape{})),
                  "y");
    current = mul->addOutput(type);
    added.push_back(mul);
  }
  bool anyBias = false;
  for (float b : image.bias) anyBias |= b != 0.0f;
  if (anyBias) {
    Tensor bias(DType::Float32, {1, channels, 1, 1});
    for (int64_t c = 0; c < channels; ++c) {
      bias.mutableData<float>()[c] = image.bias.size() == 1 ? image.bias[0] : image.bias.at(c);
    }
    ir::Node* add = addOpBefore(top, before, "mil.add");
    add->addInput(current, "x");
    add->addInput(mil::addConst(milGraph, IValue(std::move(bias)),
                                ir::Type::tensor(DType::Float32, Shape{1, channels, 1, 1})),
                  "y");
    current = add->addOutput(type);
    added.push_back(add);
  }
  if (current == input) return;
  ir::replaceAllUsesWith(top, input, current);
  // The preprocessing ops themselves keep reading the input (the chain starts at it).
  added.front()->setInput(0, input);
  if (added.size() == 2) added[1]->setInput(0, added[0]->output());
}

void castOutputs(ir::Graph& milGraph, const std::vector<std::optional<DType>>& dtypes) {
  ir::Block* top = milGraph.top();
  for (size_t i = 0; i < dtypes.size() && i < top->returns().size(); ++i) {
    ir::Value* output = top->returns()[i];
    if (!dtypes[i] || !output->type()->isTensor() || output->type()->dtype() == dtypes[i]) continue;
    ir::Node* cast = top->appendNode("mil.cast");
    cast->addInput(output, "x");
    cast->addInput(mil::addConst(milGraph, IValue(castName(*dtypes[i])), ir::Type::strType()),
                   "dtype");
    top->setReturn(i, cast->addOutput(ir::Type::tensor(*dtypes[i], output->type()->shape())));
  }
}

}  // namespace ts2coreml::passes
