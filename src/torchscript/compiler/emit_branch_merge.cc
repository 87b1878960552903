// The value a variable has after a data-dependent if, when its two paths assign different
// values. Besides the plain case (a prim::If output of the unified type):
// - uninitialized on one path (TorchScript guarantees it is not read there): a placeholder;
// - a Tensor on one path and None on the other: a MaybeNone, the tensor plus a bool that says
//   whether it is there, so `is None` checks stay data-dependent and sound;
// - tensors of different dtypes: both promoted to the common dtype (torch's promotion order),
//   with a warning, since Core ML's cond needs one output type;
// - tuples of the same length on both paths: merged item by item.
#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

int promotionRank(DType dtype) {
  if (dtype == DType::Bool) return 0;
  if (isFloatingPoint(dtype)) return 2;
  return 1;
}

DType promoted(DType a, DType b) {
  if (promotionRank(a) != promotionRank(b)) return promotionRank(a) > promotionRank(b) ? a : b;
  return elementSize(a) >= elementSize(b) ? a : b;
}

}  // namespace

SValue ModuleCompiler::mergeVariable(ir::Node* node, const std::string& name,
                                     const SValue& thenValue, const SValue& elseValue,
                                     const Stmt& statement) {
  ir::Block* outer = emitter_.block();
  const SValue branchValues[2] = {thenValue, elseValue};
  auto isNoneConstant = [this](const SValue& v) {
    auto constant = constantOf(v);
    return constant && constant->isNone();
  };

  // Tuples of the same length: item by item, so each item is an output of the if of its own
  // (Core ML's cond returns tensors, and an item may be Optional on its own).
  if (thenValue->kind == SugaredValue::Kind::Tuple &&
      elseValue->kind == SugaredValue::Kind::Tuple &&
      thenValue->items.size() == elseValue->items.size()) {
    std::vector<SValue> items;
    for (size_t i = 0; i < thenValue->items.size(); ++i) {
      items.push_back(mergeVariable(node, name + "[" + std::to_string(i) + "]", thenValue->items[i],
                                    elseValue->items[i], statement));
    }
    return SugaredValue::ofTuple(std::move(items));
  }

  // Tensor-or-None: merge the presence flags and the tensors separately.
  bool optional[2];
  for (int b = 0; b < 2; ++b) {
    optional[b] =
        branchValues[b]->kind == SugaredValue::Kind::MaybeNone || isNoneConstant(branchValues[b]);
  }
  if (optional[0] || optional[1]) {
    ir::Value* tensors[2] = {nullptr, nullptr};
    ir::Value* flags[2] = {nullptr, nullptr};
    for (int b = 0; b < 2; ++b) {
      emitter_.setBlock(node->block(static_cast<size_t>(b)));
      const SValue& v = branchValues[b];
      if (v->kind == SugaredValue::Kind::MaybeNone) {
        tensors[b] = v->value;
        flags[b] = v->present;
      } else if (!isNoneConstant(v)) {
        tensors[b] = materialize(v);
        flags[b] = emitter_.constant(IValue(true));
      } else {
        flags[b] = emitter_.constant(IValue(false));
      }
    }
    if (!tensors[0] && !tensors[1]) {  // None on both paths
      emitter_.setBlock(outer);
      return thenValue;
    }
    for (int b = 0; b < 2; ++b) {
      if (tensors[b]) continue;
      emitter_.setBlock(node->block(static_cast<size_t>(b)));
      const ir::TypePtr& other = tensors[1 - b]->type();
      if (!other->isTensor()) {
        fail(statement, "variable '" + name + "' is None on one path and " + other->str() +
                            " on the other; only Optional[Tensor] can depend on the data");
      }
      tensors[b] = placeholderOf(other, statement);
    }
    emitter_.setBlock(outer);
    auto merged = SugaredValue::make(SugaredValue::Kind::MaybeNone);
    merged->value =
        mergeBranchValues(node, SugaredValue::ofValue(tensors[0]),
                          SugaredValue::ofValue(tensors[1]), "variable '" + name + "'", statement);
    merged->present =
        mergeBranchValues(node, SugaredValue::ofValue(flags[0]), SugaredValue::ofValue(flags[1]),
                          "variable '" + name + "'", statement);
    return merged;
  }

  ir::Value* values[2] = {nullptr, nullptr};
  bool uninitialized[2];
  for (int b = 0; b < 2; ++b) {
    uninitialized[b] = branchValues[b]->kind == SugaredValue::Kind::Uninitialized;
    if (uninitialized[b]) continue;
    emitter_.setBlock(node->block(static_cast<size_t>(b)));
    values[b] = materialize(branchValues[b]);
  }
  if (uninitialized[0] && uninitialized[1]) {
    emitter_.setBlock(outer);
    return thenValue;
  }
  for (int b = 0; b < 2; ++b) {
    if (!uninitialized[b]) continue;
    emitter_.setBlock(node->block(static_cast<size_t>(b)));
    values[b] = placeholderOf(values[1 - b]->type(), statement);
  }
  // Tensors of two dtypes: cast the lower one up in its own block.
  auto dtypeA = values[0]->type()->isTensor() ? values[0]->type()->dtype() : std::nullopt;
  auto dtypeB = values[1]->type()->isTensor() ? values[1]->type()->dtype() : std::nullopt;
  if (dtypeA && dtypeB && *dtypeA != *dtypeB) {
    DType common = promoted(*dtypeA, *dtypeB);
    warn("variable '" + name + "' is " + std::string(dtypeName(*dtypeA)) + " on one path and " +
         std::string(dtypeName(*dtypeB)) + " on the other at " + locate(statement).describe() +
         "; both are converted to " + std::string(dtypeName(common)));
    for (int b = 0; b < 2; ++b) {
      if (values[b]->type()->dtype() == common) continue;
      emitter_.setBlock(node->block(static_cast<size_t>(b)));
      values[b] = materialize(emitOperator(
          "aten::to",
          CallArguments{{SugaredValue::ofValue(values[b]),
                         SugaredValue::ofValue(emitter_.constant(IValue(torchScalarType(common))))},
                        {}},
          nullptr));
    }
  }
  emitter_.setBlock(outer);
  ir::Value* merged =
      mergeBranchValues(node, SugaredValue::ofValue(values[0]), SugaredValue::ofValue(values[1]),
                        "variable '" + name + "'", statement);
  merged->setName(name);
  return SugaredValue::ofValue(merged);
}

}  // namespace ts2coreml::torchscript
