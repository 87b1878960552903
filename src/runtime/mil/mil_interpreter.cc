#include "runtime/mil/mil_interpreter.h"

#include "core/error.h"
#include "runtime/kernels/elementwise_unary.h"
#include "runtime/mil/op_context.h"

namespace ts2coreml::runtime::mil {

const MilValue* Scope::find(const std::string& name) const {
  for (const Scope* scope = this; scope; scope = scope->parent_) {
    auto it = scope->values_.find(name);
    if (it != scope->values_.end()) return &it->second;
  }
  return nullptr;
}

MilValue conformTo(const ValueSpec& spec, MilValue value, const CompiledOp* producer) {
  // Built only for messages: this runs for every op output.
  auto where = [&] {
    return producer ? producer->describe() + " output '" + spec.name + "'"
                    : "block input '" + spec.name + "'";
  };
  if (spec.isString) {
    if (!value.isString()) throw Error(where() + " must be a string, got " + value.describe());
    return value;
  }
  if (!value.isTensor()) throw Error(where() + " must be a tensor, got " + value.describe());
  Tensor tensor = value.tensor();
  if (spec.rankKnown) {
    bool matches = tensor.rank() == static_cast<int64_t>(spec.shape.size());
    for (size_t i = 0; matches && i < spec.shape.size(); ++i) {
      matches = spec.shape[i] < 0 || spec.shape[i] == tensor.shape()[i];
    }
    if (!matches) {
      throw Error(where() + " has shape " + shapeToString(tensor.shape()) + " but is declared " +
                  spec.describe());
    }
  }
  if (spec.dtype && tensor.dtype() != *spec.dtype) tensor = kernels::cast(tensor, *spec.dtype);
  return MilValue(std::move(tensor));
}

namespace {

void runOp(const CompiledOp& op, Scope& scope) {
  if (op.constValue) {  // decoded at load time; binding it is free (shared buffer)
    scope.set(op.outputs[0].name, *op.constValue);
    return;
  }
  OpContext ctx(op, scope);
  try {
    op.fn(ctx);
  } catch (const Error& e) {
    // Errors of fail() (this op's or a nested op's) name their op already.
    if (e.located()) throw;
    throw Error(op.describe(), e);
  }
  auto& outputs = ctx.outputs();
  for (size_t i = 0; i < outputs.size(); ++i) {
    const ValueSpec& spec = op.outputs[i];
    scope.set(spec.name, conformTo(spec, std::move(outputs[i]), &op));
  }
}

}  // namespace

std::vector<MilValue> runBlock(const CompiledBlock& block, const Scope& parent,
                               const std::vector<MilValue>& inputs) {
  if (inputs.size() != block.inputs.size()) {
    throw Error("block takes " + std::to_string(block.inputs.size()) + " inputs, got " +
                std::to_string(inputs.size()));
  }
  Scope scope(&parent);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ValueSpec& spec = block.inputs[i];
    scope.set(spec.name, conformTo(spec, inputs[i], nullptr));
  }
  for (const CompiledOp& op : block.ops) runOp(op, scope);
  std::vector<MilValue> results;
  for (const std::string& name : block.outputs) {
    const MilValue* value = scope.find(name);
    if (!value) throw Error("block output '" + name + "' is not defined");
    results.push_back(*value);
  }
  return results;
}

}  // namespace ts2coreml::runtime::mil
