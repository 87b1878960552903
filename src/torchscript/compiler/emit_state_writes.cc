// Writes the converted model cannot express, refused where they happen so that no model converts
// to something that computes differently from torch:
// - module state: an in-place op (`self.acc.mul_(0.5)`, `self.buf[0] = x`, `out=self.buf`) on a
//   parameter or buffer, directly or through a view of it, and batch norm in training mode with
//   running statistics (it updates them). Core ML models keep no state between predictions here,
//   so the next call would differ from torch's. Likewise a list or dict attribute changed in
//   forward() (`self.cache[k] = x`), unless what it stores is computed from constants only.
// - stale reads: an in-place write through a view other than select/slice (`x.view(-1).add_(1)`)
//   reaches the view's value but not its base; reading the base afterwards is refused.
// Which outputs are views of which inputs, and which inputs an op writes, come from the alias
// annotations of the op's schema (`Tensor(a)`, `Tensor(a!)`).
#include <unordered_set>

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

// Longer view chains than any model builds; guards the walk against a cycle.
constexpr int kMaxViewChain = 100000;

const char* kStatelessAdvice =
    "; stateful models are not supported yet: compute on a copy (e.g. .clone()) or return the "
    "new value instead of keeping it in the module";

}  // namespace

void ModuleCompiler::noteAttributeTensors(const SValue& value, const std::string& name) {
  if (value->kind == SugaredValue::Kind::Value) {
    if (value->value->type()->isTensor()) attributeTensors_.emplace(value->value, name);
    return;
  }
  if (value->kind == SugaredValue::Kind::List || value->kind == SugaredValue::Kind::Tuple) {
    for (size_t i = 0; i < value->items.size(); ++i)
      noteAttributeTensors(value->items[i], name + "[" + std::to_string(i) + "]");
  }
}

const ir::Value* ModuleCompiler::storageRoot(const ir::Value* value) const {
  for (int step = 0; step < kMaxViewChain; ++step) {
    auto it = aliasOf_.find(value);
    if (it == aliasOf_.end() || it->second == value) return value;
    value = it->second;
  }
  return value;
}

void ModuleCompiler::checkNotStale(const ir::Value* value) const {
  auto it = staleValues_.find(value);
  if (it == staleValues_.end()) return;
  emitter_.fail("this reads a tensor that " + it->second +
                " wrote through a view; writes through views other than x[i] / x[a:b] are not "
                "supported (write into the tensor itself, or clone the view first)");
}

void ModuleCompiler::checkWrites(const std::string& name, const BoundOperator& bound) const {
  for (const ir::Value* input : bound.inputs) checkNotStale(input);
  auto refuseState = [&](const std::string& attribute, const std::string& what) {
    emitter_.fail("forward() " + what + " module attribute " + attribute + kStatelessAdvice);
  };
  for (size_t index : bound.writtenInputs) {
    if (index >= bound.inputs.size()) continue;
    auto it = attributeTensors_.find(storageRoot(bound.inputs[index]));
    if (it != attributeTensors_.end()) refuseState(it->second, "changes (" + name + ")");
  }
  // batch_norm(input, weight, bias, running_mean, running_var, training, ...) in training mode
  // updates the running statistics in place although its schema does not say so.
  const bool batchNorm = bound.kind == "aten::batch_norm" || bound.kind == "aten::instance_norm";
  if (batchNorm && bound.inputs.size() > 5) {
    auto training = GraphEmitter::constantValue(bound.inputs[5]);
    if (training && training->isBool() && training->toBool()) {
      for (size_t index : {size_t{3}, size_t{4}}) {
        auto it = attributeTensors_.find(storageRoot(bound.inputs[index]));
        if (it == attributeTensors_.end()) continue;
        emitter_.fail(bound.kind +
                      " in training mode updates its running statistics, module attribute " +
                      it->second +
                      "; call .eval() before saving the model (stateful models are not supported "
                      "yet)");
      }
    }
  }
}

namespace {

// Sampling ops give another value on every call.
bool samples(const std::string& kind) {
  for (const char* prefix : {"aten::rand", "aten::normal", "aten::bernoulli", "aten::multinomial",
                             "aten::uniform", "aten::dropout", "aten::poisson"}) {
    if (kind.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Whether `value` may differ between calls: it reads a forward() input, a value carried by a
// loop, an if's result (conservatively) or a sample. Constants, weights and ops on them do not.
bool dependsOnInputs(const ir::Value* value) {
  std::vector<const ir::Value*> pending{value};
  std::unordered_set<const ir::Value*> seen;
  while (!pending.empty()) {
    const ir::Value* next = pending.back();
    pending.pop_back();
    if (!seen.insert(next).second) continue;
    const ir::Node* producer = next->producer();
    if (!producer || !producer->blocks().empty() || samples(producer->kind())) return true;
    for (const ir::Value* input : producer->inputs()) pending.push_back(input);
  }
  return false;
}

bool dependsOnInputs(const SValue& value) {
  if (!value) return true;
  switch (value->kind) {
    case SugaredValue::Kind::Value:
      return dependsOnInputs(value->value);
    case SugaredValue::Kind::List:
    case SugaredValue::Kind::Tuple:
      for (const SValue& item : value->items) {
        if (dependsOnInputs(item)) return true;
      }
      return false;
    default:
      return true;
  }
}

}  // namespace

void ModuleCompiler::checkAttributeContainerWrite(const SValue& container, const SValue& stored,
                                                  const std::string& what) const {
  if (stored && !dependsOnInputs(stored)) return;
  emitter_.fail("forward() changes (" + what + ") module attribute " + container->attribute +
                ", which torch keeps for the next call" + kStatelessAdvice);
}

void ModuleCompiler::noteAliases(const BoundOperator& bound,
                                 const std::vector<ir::Value*>& outputs) {
  for (size_t i = 0; i < outputs.size() && i < bound.outputAliasOf.size(); ++i) {
    const int input = bound.outputAliasOf[i];
    if (input < 0 || static_cast<size_t>(input) >= bound.inputs.size()) continue;
    // The result of an in-place op is the written tensor's new value, not a view of it.
    bool written = false;
    for (size_t index : bound.writtenInputs) written |= index == static_cast<size_t>(input);
    if (written || outputs[i] == bound.inputs[input]) continue;
    aliasOf_.emplace(outputs[i], bound.inputs[input]);
  }
}

}  // namespace ts2coreml::torchscript
