#include "api/mil_constant_evaluation.h"

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "passes/dead_code_elimination.h"
#include "passes/mil_rewrite.h"
#include "runtime/mil/mil_interpreter.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::api {

namespace {

namespace rt = runtime::mil;

// The runtime value of a mil.const's "val" (what the ML Program writer would store), or nullopt
// when the constant is of a kind the runtime has no value for.
std::optional<rt::MilValue> constantValue(const ir::Value* value) {
  const ir::Node* producer = value->producer();
  if (!producer || producer->kind() != "mil.const" || !producer->hasAttribute("val"))
    return std::nullopt;
  const IValue& val = producer->attribute("val");
  std::optional<Tensor> tensor;
  if (val.isString()) return rt::MilValue(val.toString());
  if (val.isTensor()) tensor = val.toTensor();
  if (val.isBool()) tensor = Tensor::scalar(DType::Bool, val.toBool() ? 1 : 0);
  if (val.isInt()) tensor = Tensor::scalar(DType::Int32, static_cast<double>(val.toInt()));
  if (val.isDouble()) tensor = Tensor::scalar(DType::Float32, val.toDouble());
  if (!tensor) return std::nullopt;
  const ir::TypePtr& type = value->type();
  if (type->isTensor() && type->dtype() && *type->dtype() != tensor->dtype())
    tensor = tensor->to(*type->dtype());
  return rt::MilValue(std::move(*tensor));
}

// The declared output of a foldable op: a tensor with a known dtype and fully known shape.
std::optional<rt::ValueSpec> outputSpec(const ir::Value* output, size_t index) {
  const ir::TypePtr& type = output->type();
  if (!type->isTensor() || !type->dtype() || !type->shape()) return std::nullopt;
  int64_t elements = 1;
  for (int64_t dim : *type->shape()) {
    if (dim < 0) return std::nullopt;
    elements *= dim;
  }
  if (elements > kMaxFoldedElements) return std::nullopt;
  rt::ValueSpec spec;
  spec.name = "output_" + std::to_string(index);
  spec.dtype = type->dtype();
  spec.shape = *type->shape();
  return spec;
}

// Ops that must keep running on the device: sampling ops give new numbers on every call.
bool isFoldableKind(const std::string& type) {
  return type != "const" && type.rfind("random_", 0) != 0;
}

// The op as the runtime would load it from the written program, with every input an inline
// constant, or nullopt when some input or output is not foldable.
std::optional<rt::CompiledOp> compileConstantOp(const ir::Node& node) {
  if (node.kind().rfind("mil.", 0) != 0 || !node.blocks().empty() || node.numOutputs() == 0)
    return std::nullopt;
  rt::CompiledOp op;
  op.type = node.kind().substr(4);
  if (!isFoldableKind(op.type)) return std::nullopt;
  op.fn = rt::findMilOp(op.type);
  if (!op.fn || node.inputNames().size() != node.inputs().size()) return std::nullopt;
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    std::optional<rt::MilValue> value = constantValue(node.input(i));
    if (!value) return std::nullopt;
    const std::string& param = node.inputNames()[i];
    // Consecutive inputs with one parameter name form a variadic argument (concat.values).
    if (op.inputs.empty() || op.inputs.back().first != param) op.inputs.push_back({param, {}});
    op.inputs.back().second.push_back(
        {std::string(), std::make_shared<const rt::MilValue>(std::move(*value))});
  }
  for (size_t i = 0; i < node.numOutputs(); ++i) {
    std::optional<rt::ValueSpec> spec = outputSpec(node.output(i), i);
    if (!spec) return std::nullopt;
    op.outputs.push_back(std::move(*spec));
  }
  return op;
}

// Runs `op`; nullopt when the kernel refuses it (the op then stays, and the same refusal
// reaches the user from the device or the runtime only if that path is ever taken).
std::optional<std::vector<Tensor>> runConstantOp(const rt::CompiledOp& op) {
  rt::Scope scope;
  try {
    rt::OpContext context(op, scope);
    op.fn(context);
    std::vector<Tensor> results;
    for (size_t i = 0; i < op.outputs.size(); ++i) {
      rt::MilValue value = rt::conformTo(op.outputs[i], std::move(context.outputs()[i]), &op);
      if (!value.isTensor()) return std::nullopt;
      results.push_back(value.tensor().contiguous());
    }
    return results;
  } catch (const std::exception&) {  // Error, or a kernel's std::out_of_range and the like
    return std::nullopt;
  }
}

bool isGraphOutput(const ir::Graph& graph, const ir::Node& node) {
  for (const ir::Value* output : graph.outputs()) {
    if (output->producer() == &node) return true;
  }
  return false;
}

}  // namespace

int evaluateConstantOps(ir::Graph& milGraph) {
  int folded = 0;
  passes::mil::UseTracker uses(milGraph);
  for (ir::Node* node : passes::mil::collectNodes(milGraph.top())) {
    // A graph output keeps its producer: the backends name outputs after the op making them.
    if (uses.isRetired(node) || isGraphOutput(milGraph, *node)) continue;
    std::optional<rt::CompiledOp> op = compileConstantOp(*node);
    if (!op) continue;
    std::optional<std::vector<Tensor>> results = runConstantOp(*op);
    if (!results) continue;
    for (size_t i = 0; i < results->size(); ++i) {
      ir::Value* output = node->output(i);
      ir::Value* constant = passes::mil::addConst(milGraph, (*results)[i], output->type());
      uses.redirect(output, constant);
    }
    uses.retire(node);
    ++folded;
  }
  passes::eliminateDeadCode(milGraph);
  return folded;
}

}  // namespace ts2coreml::api
