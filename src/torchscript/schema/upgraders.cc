#include "torchscript/schema/upgraders.h"

#include "core/dtype.h"

namespace ts2coreml::torchscript::schema {
namespace {

// Known not to be floating point. A tensor without a known dtype counts as floating (the
// common case in converted models), so the upgrader leaves it alone.
bool knownNotFloating(const ir::TypePtr& type) {
  switch (type->kind()) {
    case ir::TypeKind::Int:
    case ir::TypeKind::Bool:
      return true;
    case ir::TypeKind::Tensor:
      return type->dtype() && !isFloatingPoint(*type->dtype());
    default:
      return false;
  }
}

int argumentIndex(const Schema& schema, const std::string& name) {
  for (size_t i = 0; i < schema.arguments.size(); ++i) {
    if (schema.arguments[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// div_Tensor_0_3 / div_Scalar_0_3: integer / integer truncated before version 4.
void upgradeDiv(const Schema& matched, BoundOperator& bound, GraphEmitter& emitter) {
  if (matched.overload != "Tensor" && matched.overload != "Scalar") return;
  if (bound.inputs.size() != 2) return;
  if (!knownNotFloating(bound.inputs[0]->type()) || !knownNotFloating(bound.inputs[1]->type()))
    return;
  bound.inputs.push_back(emitter.constant(IValue("trunc")));
}

// full_0_4: with dtype None the fill value was converted to float (old default dtype).
void upgradeFull(const Schema& matched, BoundOperator& bound, GraphEmitter& emitter) {
  int dtype = argumentIndex(matched, "dtype");
  int fill = argumentIndex(matched, "fill_value");
  if (dtype < 0 || fill < 0 || static_cast<size_t>(dtype) >= bound.inputs.size()) return;
  auto dtypeValue = GraphEmitter::constantValue(bound.inputs[dtype]);
  if (!dtypeValue || !dtypeValue->isNone()) return;
  ir::Value*& fillValue = bound.inputs[fill];
  if (fillValue->type()->kind() == ir::TypeKind::Float) return;
  if (auto c = GraphEmitter::constantValue(fillValue); c && (c->isInt() || c->isBool())) {
    fillValue = emitter.constant(IValue(c->toNumber()));
  } else {
    fillValue = emitter.emit1("aten::Float", {fillValue}, ir::Type::floatType());
  }
}

}  // namespace

void upgradeArgumentsBeforeBinding(const std::string& name, int64_t archiveVersion,
                                   std::vector<ir::Value*>& positional,
                                   std::vector<std::pair<std::string, ir::Value*>>& keywords,
                                   GraphEmitter& emitter) {
  bool oldSteps = (name == "aten::linspace" && archiveVersion < 8) ||
                  (name == "aten::logspace" && archiveVersion < 9);
  if (!oldSteps) return;
  ir::Value* hundred = emitter.constant(IValue(int64_t{100}));
  auto isNone = [](ir::Value* v) {
    auto c = GraphEmitter::constantValue(v);
    return c && c->isNone();
  };
  for (auto& [keyword, value] : keywords) {
    if (keyword == "steps") {
      if (isNone(value)) value = hundred;
      return;
    }
  }
  if (positional.size() == 2) {
    positional.push_back(hundred);
  } else if (positional.size() > 2 && isNone(positional[2])) {
    positional[2] = hundred;
  }
}

void applyOperatorUpgraders(const Schema& matched, int64_t archiveVersion, BoundOperator& bound,
                            GraphEmitter& emitter) {
  if (archiveVersion < 4 && (matched.name == "aten::div" || matched.name == "aten::div_")) {
    upgradeDiv(matched, bound, emitter);
  } else if (archiveVersion < 5 && matched.name == "aten::full") {
    upgradeFull(matched, bound, emitter);
  }
  // aten::gelu (< 10): nothing to do; binding fills approximate="none" from the default.
}

}  // namespace ts2coreml::torchscript::schema
