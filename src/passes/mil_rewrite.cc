#include "passes/mil_rewrite.h"

#include <functional>
#include <utility>

namespace ts2coreml::passes::mil {

namespace {

const IValue* constAttribute(const ir::Value* value) {
  const ir::Node* producer = value ? value->producer() : nullptr;
  if (!producer || producer->kind() != "mil.const" || !producer->hasAttribute("val")) {
    return nullptr;
  }
  return &producer->attribute("val");
}

}  // namespace

const Tensor* constTensor(const ir::Value* value) {
  const IValue* val = constAttribute(value);
  return val && val->isTensor() ? &val->toTensor() : nullptr;
}

std::optional<std::string> constString(const ir::Value* value) {
  const IValue* val = constAttribute(value);
  if (!val || !val->isString()) return std::nullopt;
  return val->toString();
}

std::optional<double> constScalar(const ir::Value* value) {
  const Tensor* tensor = constTensor(value);
  if (!tensor || tensor->numel() != 1) return std::nullopt;
  return tensor->elementAsDouble(0);
}

std::optional<DType> dtypeOf(const ir::Value* value) {
  if (!value->type()->isTensor()) return std::nullopt;
  return value->type()->dtype();
}

std::optional<DType> dtypeFromMilName(const std::string& name) {
  static const std::map<std::string, DType> names = {
      {"bool", DType::Bool},    {"uint8", DType::UInt8},   {"int8", DType::Int8},
      {"int16", DType::Int16},  {"int32", DType::Int32},   {"int64", DType::Int64},
      {"fp16", DType::Float16}, {"bf16", DType::BFloat16}, {"fp32", DType::Float32},
      {"fp64", DType::Float64}};
  auto it = names.find(name);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

bool representsExactly(DType from, DType to) {
  if (from == to || from == DType::Bool) return true;
  auto oneOf = [&](std::initializer_list<DType> targets) {
    for (DType t : targets) {
      if (t == to) return true;
    }
    return false;
  };
  switch (from) {
    case DType::UInt8:
    case DType::Int8:
      // 8 significant bits fit the mantissa of every float type, bfloat16 included.
      return oneOf({DType::Int16, DType::Int32, DType::Int64, DType::Float16, DType::BFloat16,
                    DType::Float32, DType::Float64});
    case DType::Int16:
      return oneOf({DType::Int32, DType::Int64, DType::Float32, DType::Float64});
    case DType::Int32:
      return oneOf({DType::Int64, DType::Float64});
    case DType::Float16:
    case DType::BFloat16:
      return oneOf({DType::Float32, DType::Float64});
    case DType::Float32:
      return to == DType::Float64;
    default:
      return false;
  }
}

std::vector<ir::Node*> collectNodes(ir::Block* block) {
  std::vector<ir::Node*> nodes;
  ir::forEachNode(block, [&](ir::Node* node) { nodes.push_back(node); });
  return nodes;
}

ir::Value* addConst(ir::Graph& graph, IValue value, ir::TypePtr type) {
  ir::Block* top = graph.top();
  ir::Node* node = top->nodes().empty()
                       ? top->appendNode("mil.const")
                       : top->insertNodeBefore(top->nodes().front().get(), "mil.const");
  node->setAttribute("val", std::move(value));
  return node->addOutput(std::move(type));
}

UseTracker::UseTracker(ir::Graph& graph) : uses_(ir::countUses(graph.top())) {
  std::function<void(ir::Block*)> visit = [&](ir::Block* block) {
    for (ir::Value* ret : block->returns()) returned_.insert(ret);
    for (const auto& node : block->nodes()) {
      for (const auto& inner : node->blocks()) visit(inner.get());
    }
  };
  visit(graph.top());
}

int UseTracker::uses(const ir::Value* value) const {
  auto it = uses_.find(value);
  return it == uses_.end() ? 0 : it->second;
}

bool UseTracker::isPrivateIntermediate(const ir::Value* value) const {
  return uses(value) == 1 && !isReturned(value);
}

void UseTracker::redirect(ir::Value* from, ir::Value* to) {
  ir::Block* scope = from->producer() ? from->producer()->owner() : from->paramOf();
  ir::replaceAllUsesWith(scope, from, to);
  uses_[to] += uses(from);
  uses_[from] = 0;
  if (returned_.erase(from)) returned_.insert(to);
}

void UseTracker::retire(ir::Node* node) {
  for (ir::Value* input : node->inputs()) --uses_[input];
  node->clearInputs();
  retired_.insert(node);
}

void UseTracker::setInput(ir::Node* node, size_t index, ir::Value* value) {
  --uses_[node->input(index)];
  ++uses_[value];
  node->setInput(index, value);
}

void UseTracker::addInput(ir::Node* node, ir::Value* value, const std::string& name) {
  node->addInput(value, name);
  ++uses_[value];
}

void UseTracker::bindInput(ir::Node* node, const std::string& name, ir::Value* value,
                           const std::string& after) {
  const auto& names = node->inputNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) {
      setInput(node, i, value);
      return;
    }
  }
  // Node has no insert: rebuild the input list with the new parameter in place.
  std::vector<std::pair<std::string, ir::Value*>> inputs;
  bool placed = false;
  for (size_t i = 0; i < node->inputs().size(); ++i) {
    inputs.emplace_back(i < names.size() ? names[i] : std::string(), node->input(i));
    const bool lastOfAfter = !after.empty() && !placed && inputs.back().first == after &&
                             (i + 1 >= names.size() || names[i + 1] != after);
    if (lastOfAfter) {
      inputs.emplace_back(name, value);
      placed = true;
    }
  }
  if (!placed) inputs.emplace_back(name, value);
  node->clearInputs();
  for (auto& [inputName, input] : inputs) node->addInput(input, inputName);
  ++uses_[value];
}

}  // namespace ts2coreml::passes::mil
