#include "lower/mil_builder.h"

#include <limits>

#include "core/error.h"

namespace ts2coreml::lower {

ir::TypePtr milTensor(DType dtype, Shape shape) {
  return ir::Type::tensor(dtype, std::move(shape));
}
ir::TypePtr milScalar(DType dtype) {
  return ir::Type::tensor(dtype, Shape{});
}

ir::Node* MilBuilder::op(MilOpName type, std::initializer_list<NamedInput> inputs,
                         std::vector<ir::TypePtr> outputTypes) {
  return op(type, std::vector<NamedInput>(inputs), std::move(outputTypes));
}

ir::Node* MilBuilder::op(MilOpName type, const std::vector<NamedInput>& inputs,
                         std::vector<ir::TypePtr> outputTypes) {
  const ir::MilOpSpec& spec = type.spec();
  for (const auto& [name, value] : inputs) {
    if (!spec.input(name)) {
      throw Error("internal error: a lowering gives MIL op '" + type.str() +
                  "' an input it does not have: '" + name + "' (src/ir/mil_ops.def)");
    }
  }
  ir::Node* node = block_->appendNode("mil." + type.str());
  node->setLocation(location_);
  for (const auto& [name, value] : inputs) {
    if (value) node->addInput(value, name);
  }
  for (auto& outputType : outputTypes) node->addOutput(std::move(outputType));
  return node;
}

ir::Value* MilBuilder::op1(MilOpName type, std::initializer_list<NamedInput> inputs,
                           ir::TypePtr outputType) {
  return op(type, inputs, {std::move(outputType)})->output();
}

ir::Value* MilBuilder::addConst(IValue value, ir::TypePtr type) {
  ir::Block* top = graph_.top();
  const ir::Node* first = top->nodes().empty() ? nullptr : top->nodes().front().get();
  ir::Node* node = first ? top->insertNodeBefore(first, "mil.const") : top->appendNode("mil.const");
  node->setAttribute("val", std::move(value));
  return node->addOutput(std::move(type));
}

ir::Value* MilBuilder::constTensor(const Tensor& tensor) {
  Tensor value = tensor;
  if (value.dtype() == DType::Int64) {
    for (int64_t i = 0; i < value.numel(); ++i) {
      double v = value.elementAsDouble(i);
      if (v > std::numeric_limits<int32_t>::max() || v < std::numeric_limits<int32_t>::min()) {
        throw Error("constant value " + std::to_string(static_cast<int64_t>(v)) +
                    " does not fit Core ML's int32");
      }
    }
    value = value.to(DType::Int32);
  } else if (value.dtype() == DType::Float64) {
    value = value.to(DType::Float32);
  }
  DType dtype = value.dtype();
  Shape shape = value.shape();
  return addConst(IValue(value), milTensor(dtype, std::move(shape)));
}

ir::Value* MilBuilder::constInt(int64_t value) {
  return constTensor(Tensor::scalar(DType::Int64, static_cast<double>(value)));
}

ir::Value* MilBuilder::constFloat(double value, DType dtype) {
  return constTensor(Tensor::scalar(dtype, value));
}

ir::Value* MilBuilder::constBool(bool value) {
  return constTensor(Tensor::scalar(DType::Bool, value ? 1.0 : 0.0));
}

ir::Value* MilBuilder::constString(const std::string& value) {
  return addConst(IValue(value), ir::Type::strType());
}

ir::Value* MilBuilder::constIntVector(const std::vector<int64_t>& values) {
  Tensor tensor(DType::Int32, {static_cast<int64_t>(values.size())});
  auto* data = tensor.mutableData<int32_t>();
  for (size_t i = 0; i < values.size(); ++i) data[i] = static_cast<int32_t>(values[i]);
  return constTensor(tensor);
}

}  // namespace ts2coreml::lower
