// dtype conversions (aten::to, type_as) -> mil.cast; the identities of inference: detach, clone,
// contiguous, alias and dropout in eval mode.
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_conversion.h"
#include "passes/shape_rules_pool.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

void lowerToDType(LoweringContext& ctx, const ir::Node& node) {
  auto dtype = milTypeOf(node.output()->type())->dtype();
  if (!dtype) ctx.fail(node, "the target dtype must be a constant");
  // castTo leaves a value that already has the dtype as it is.
  ctx.bind(node.output(), castTo(ctx, ctx.get(node.input(0)), *dtype));
}

// Ops that return their input unchanged at inference (no autograd, no memory layout in Core ML).
void lowerIdentity(LoweringContext& ctx, const ir::Node& node) {
  ctx.bind(node.output(), ctx.get(node.input(0)));
}

// `not b` on a bool computed at run time.
void lowerNot(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = castTo(ctx, ctx.get(node.input(0)), DType::Bool);
  ctx.bind(node.output(), ctx.builder().op1("logical_not", {{"x", x}}, x->type()));
}

// dropout in eval mode returns its input; in training mode it is random, which Core ML is not.
void lowerDropout(LoweringContext& ctx, const ir::Node& node) {
  if (ctx.constantBool(node, 2)) ctx.fail(node, "dropout in training mode (call .eval())");
  ctx.bind(node.output(), ctx.get(node.input(0)));
}

}  // namespace

void registerConversionOps(LoweringTable& table) {
  table["aten::__not__"] = lowerNot;
  for (const char* name : {"aten::detach", "aten::clone", "aten::contiguous", "aten::alias"}) {
    table[name] = lowerIdentity;
  }
  table["aten::to"] = lowerToDType;
  table["aten::type_as"] = lowerToDType;

  for (const char* name : {"aten::dropout", "aten::feature_dropout", "aten::alpha_dropout"})
    table[name] = lowerDropout;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::dropout", passes::rules::sameAsInput());
  for (const char* name : {"aten::feature_dropout", "aten::alpha_dropout"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
  for (const char* name : {"aten::contiguous", "aten::clone", "aten::detach", "aten::alias"}) {
    table.setShapeRule(name, passes::rules::sameAsInput());
  }
  table.setShapeRule("aten::to", passes::rules::converted());
  table.setShapeRule("aten::type_as", passes::rules::converted());

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("aten::__not__", passes::folds::logicalNot());
}

}  // namespace ts2coreml::lower
