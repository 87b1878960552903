// const, identity, cond and while_loop. Loops run exactly as the model says: no iteration guard.
#include "core/error.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::runtime::mil {

namespace {

// A predicate must hold exactly one element (rank 0 or shape [1], as coremltools emits both).
bool truthy(const OpContext& ctx, const MilValue& value, const std::string& what) {
  if (!value.isTensor() || value.tensor().numel() != 1) {
    ctx.fail(what + " must be a one-element tensor, got " + value.describe());
  }
  return value.tensor().elementAsDouble(0) != 0;
}

void constOp(OpContext& ctx) {
  ctx.fail("const without a decoded value");
}

void identityOp(OpContext& ctx) {
  ctx.setOutput(0, ctx.value("x"));
}

void condOp(OpContext& ctx) {
  if (ctx.numBlocks() != 2) ctx.fail("cond needs two blocks (true, false)");
  const bool pred = truthy(ctx, ctx.value("pred"), "pred");
  std::vector<MilValue> results = ctx.runBlock(pred ? 0 : 1, {});
  if (results.size() != ctx.numOutputs()) {
    ctx.fail(std::string(pred ? "true" : "false") + " block returns " +
             std::to_string(results.size()) + " values, the op declares " +
             std::to_string(ctx.numOutputs()));
  }
  for (size_t i = 0; i < results.size(); ++i) ctx.setOutput(i, std::move(results[i]));
}

// TF-style while: bind block inputs to the loop vars, run the cond block, stop when it is false,
// else run the body block and rebind the block inputs to its outputs.
void whileLoopOp(OpContext& ctx) {
  if (ctx.numBlocks() != 2) ctx.fail("while_loop needs two blocks (cond, body)");
  std::vector<MilValue> vars;
  for (const MilValue* v : ctx.values("loop_vars")) vars.push_back(*v);
  const uint64_t cap = maxLoopIterations();
  for (uint64_t iteration = 0;; ++iteration) {
    std::vector<MilValue> keepGoing = ctx.runBlock(0, vars);
    if (keepGoing.size() != 1) ctx.fail("the cond block must return one value");
    if (!truthy(ctx, keepGoing[0], "the cond block's result")) break;
    if (iteration >= cap) {
      ctx.fail("still looping after " + std::to_string(cap) +
               " iterations, the runtime's loop limit (raise it with --max-loop-iterations, in "
               "Python with predict(..., max_loop_iterations=N))");
    }
    std::vector<MilValue> next = ctx.runBlock(1, vars);
    if (next.size() != vars.size()) {
      ctx.fail("the body block returns " + std::to_string(next.size()) + " values for " +
               std::to_string(vars.size()) + " loop vars");
    }
    vars = std::move(next);
  }
  if (vars.size() != ctx.numOutputs()) {
    ctx.fail("has " + std::to_string(vars.size()) + " loop vars but " +
             std::to_string(ctx.numOutputs()) + " outputs");
  }
  for (size_t i = 0; i < vars.size(); ++i) ctx.setOutput(i, std::move(vars[i]));
}

}  // namespace

void registerControlFlowOps(MilOpTable& table) {
  table["const"] = constOp;
  table["identity"] = identityOp;
  table["cond"] = condOp;
  table["while_loop"] = whileLoopOp;
}

}  // namespace ts2coreml::runtime::mil
