#include "lower/lowering.h"

#include <limits>
#include <set>
#include <string_view>

#include "core/error.h"
#include "lower/aten_op_table.h"
#include "passes/torch_constants.h"

namespace ts2coreml::lower {

namespace {

DType milDType(DType dtype) {
  if (dtype == DType::Int64 || dtype == DType::Int16 || dtype == DType::Int8 ||
      dtype == DType::UInt8) {
    return DType::Int32;
  }
  if (dtype == DType::Float64 || dtype == DType::BFloat16) return DType::Float32;
  return dtype;
}

}  // namespace

ir::TypePtr milTypeOf(const ir::TypePtr& torchType) {
  switch (torchType->kind()) {
    case ir::TypeKind::Int:
      return milScalar(DType::Int32);
    case ir::TypeKind::Float:
    case ir::TypeKind::Number:
      return milScalar(DType::Float32);
    case ir::TypeKind::Bool:
      return milScalar(DType::Bool);
    case ir::TypeKind::Tensor: {
      DType dtype = milDType(torchType->dtype().value_or(DType::Float32));
      return ir::Type::tensor(dtype, torchType->shape());
    }
    default:
      return torchType;
  }
}

ir::Value* LoweringContext::get(const ir::Value* torchValue) {
  auto it = values_.find(torchValue);
  if (it != values_.end()) return it->second;
  std::optional<IValue> value = constant(torchValue);
  if (!value) throw Error("internal: value used before it was lowered");
  ir::Value* mil = nullptr;
  if (value->isTensor()) {
    mil = builder_.constTensor(value->toTensor());
  } else if (value->isBool()) {
    mil = builder_.constBool(value->toBool());
  } else if (value->isInt()) {
    int64_t v = value->toInt();
    // Core ML has no int64. An int beyond int32 in TorchScript code is in practice a whole float
    // printed without a dot (torch prints 1e10 as `10000000000`), used as a float operand.
    bool fitsInt32 =
        v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    mil = fitsInt32 ? builder_.constInt(v) : builder_.constFloat(static_cast<double>(v));
  } else if (value->isDouble()) {
    mil = builder_.constFloat(value->toDouble());
  } else if (value->isString()) {
    mil = builder_.constString(value->toString());
  } else if (value->isList() || value->isTuple()) {
    std::vector<int64_t> ints;
    for (const IValue& item : value->items()) {
      if (!item.isInt()) throw Error("constant list " + value->repr() + " has no MIL form");
      ints.push_back(item.toInt());
    }
    mil = builder_.constIntVector(ints);
  } else {
    throw Error("constant " + value->repr() + " has no MIL form");
  }
  values_[torchValue] = mil;
  return mil;
}

std::optional<IValue> LoweringContext::constant(const ir::Value* torchValue) const {
  return passes::constantValueOf(torchValue);
}

bool LoweringContext::isNone(const ir::Value* torchValue) const {
  auto value = constant(torchValue);
  return value && value->isNone();
}

int64_t LoweringContext::constantInt(const ir::Node& node, size_t input) const {
  auto value = constant(node.input(input));
  if (!value || !(value->isInt() || value->isBool())) {
    fail(node, "argument " + std::to_string(input) + " must be a constant int");
  }
  return value->isBool() ? value->toBool() : value->toInt();
}

bool LoweringContext::constantBool(const ir::Node& node, size_t input) const {
  auto value = constant(node.input(input));
  if (!value || !value->isBool())
    fail(node, "argument " + std::to_string(input) + " must be a constant bool");
  return value->toBool();
}

std::vector<int64_t> LoweringContext::constantInts(const ir::Node& node, size_t input) const {
  auto value = constant(node.input(input));
  if (value && value->isInt()) return {value->toInt()};
  if (!value || !(value->isList() || value->isTuple())) {
    fail(node, "argument " + std::to_string(input) + " must be a constant int list");
  }
  std::vector<int64_t> ints;
  for (const IValue& item : value->items()) ints.push_back(item.toInt());
  return ints;
}

std::optional<std::vector<ir::Value*>> LoweringContext::tupleItems(
    const ir::Value* torchValue) const {
  auto it = tuples_.find(torchValue);
  if (it == tuples_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::vector<ir::Value*>> LoweringContext::listItems(const ir::Value* torchValue) {
  if (auto items = tupleItems(torchValue)) return items;
  auto value = constant(torchValue);
  if (!value || !value->isList()) return std::nullopt;
  std::vector<ir::Value*> items;
  for (const IValue& item : value->items()) {
    if (item.isNone()) {
      items.push_back(nullptr);
    } else if (item.isTensor()) {
      items.push_back(builder_.constTensor(item.toTensor()));
    } else {
      return std::nullopt;
    }
  }
  return items;
}

void LoweringContext::fail(const ir::Node& node, const std::string& what) const {
  throw Error::at(node.describe(), what).withOp(node.kind());
}

void LoweringContext::lowerBlock(const ir::Block& torchBlock) {
  for (const auto& node : torchBlock.nodes()) {
    if (node->kind() == "prim::Constant") continue;  // materialised on first use
    const LoweringFn* lowering = loweringOf(node->kind());
    if (!lowering) fail(*node, "no lowering to Core ML for this op");
    builder_.setLocation(node->location());
    try {
      (*lowering)(*this, *node);
    } catch (const Error& error) {
      // Errors of fail() (this op's or a nested op's) name their op already; anything else (a
      // constant of the wrong kind, a kernel's check) gets this op's description.
      if (error.located()) throw;
      throw Error(node->describe(), error).withOp(node->kind());
    }
    for (size_t i = 0; i < node->numOutputs(); ++i) {
      const ir::TypePtr& type = node->output(i)->type();
      if (type->isTensor() && !type->shape()) {
        fail(*node, "the shape of its result is unknown (check the --input shapes)");
      }
    }
  }
}

std::vector<std::string> unsupportedOps(const ir::Graph& torchGraph,
                                        const NodeDescriber& describe) {
  std::vector<std::string> missing;
  std::set<std::string> seen;
  ir::forEachNode(torchGraph.top(), [&](ir::Node* node) {
    if (node->kind() == "prim::Constant" || loweringOf(node->kind())) return;
    if (seen.insert(node->kind()).second)
      missing.push_back(describe ? describe(*node) : node->describe());
  });
  return missing;
}

std::unique_ptr<ir::Graph> lowerToMil(const ir::Graph& torchGraph, const NodeDescriber& describe) {
  std::vector<std::string> missing = unsupportedOps(torchGraph, describe);
  if (!missing.empty()) {
    std::string message =
        std::to_string(missing.size()) + " unsupported op" + (missing.size() > 1 ? "s" : "") + ": ";
    for (size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
    throw Error(message);
  }
  auto milGraph = std::make_unique<ir::Graph>();
  LoweringContext context(*milGraph);
  for (const auto& input : torchGraph.inputs()) {
    ir::Value* milInput = milGraph->addInput(milTypeOf(input->type()), input->name());
    context.bind(input.get(), milInput);
  }
  context.lowerBlock(*torchGraph.top());
  for (ir::Value* output : torchGraph.outputs()) {
    if (auto items = context.tupleItems(output)) {
      for (ir::Value* item : *items) milGraph->top()->addReturn(item);
    } else {
      milGraph->top()->addReturn(context.get(output));
    }
  }
  return milGraph;
}

}  // namespace ts2coreml::lower
