// Elementwise activations: one MIL op each, same type as the input; the hard ones (hardtanh,
// relu6, hardsigmoid, hardswish) from clip.
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_pool.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

LoweringFn unary(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(), ctx.builder().op1(op, {{"x", x}}, x->type()));
  };
}

ir::Value* clip(LoweringContext& ctx, ir::Value* x, double low, double high) {
  auto& b = ctx.builder();
  return b.op1("clip", {{"x", x}, {"alpha", b.constFloat(low)}, {"beta", b.constFloat(high)}},
               x->type());
}

// hardsigmoid(x) = clip(x / 6 + 1/2, 0, 1)
ir::Value* hardSigmoid(LoweringContext& ctx, ir::Value* x) {
  auto& b = ctx.builder();
  ir::Value* scaled = b.op1("mul", {{"x", x}, {"y", b.constFloat(1.0 / 6.0)}}, x->type());
  ir::Value* shifted = b.op1("add", {{"x", scaled}, {"y", b.constFloat(0.5)}}, x->type());
  return clip(ctx, shifted, 0.0, 1.0);
}

void lowerHardtanh(LoweringContext& ctx, const ir::Node& node) {
  auto low = ctx.constant(node.input(1)), high = ctx.constant(node.input(2));
  if (!low || !high) ctx.fail(node, "the bounds must be constants");
  ctx.bind(node.output(), clip(ctx, ctx.get(node.input(0)), low->toNumber(), high->toNumber()));
}

}  // namespace

void registerActivationOps(LoweringTable& table) {
  for (ir::MilOpName name :
       {ir::MilOpName("relu"), ir::MilOpName("sigmoid"), ir::MilOpName("tanh"),
        ir::MilOpName("exp"), ir::MilOpName("sqrt"), ir::MilOpName("rsqrt"), ir::MilOpName("abs"),
        ir::MilOpName("floor"), ir::MilOpName("ceil"), ir::MilOpName("sin"), ir::MilOpName("cos"),
        ir::MilOpName("erf"), ir::MilOpName("sign")}) {
    table["aten::" + name.str()] = unary(name);
  }
  table["aten::silu"] = unary("silu");
  table["aten::log"] = unary("log");
  table["aten::neg"] = [](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ir::Value* minusOne = castTo(ctx, ctx.builder().constInt(-1), dtypeOf(x));
    ctx.bind(node.output(), ctx.builder().op1("mul", {{"x", x}, {"y", minusOne}}, x->type()));
  };

  table["aten::hardtanh"] = lowerHardtanh;
  table["aten::relu6"] = [](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), clip(ctx, ctx.get(node.input(0)), 0.0, 6.0));
  };
  table["aten::hardsigmoid"] = [](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), hardSigmoid(ctx, ctx.get(node.input(0))));
  };
  table["aten::hardswish"] = [](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(),
             ctx.builder().op1("mul", {{"x", x}, {"y", hardSigmoid(ctx, x)}}, x->type()));
  };

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::hardtanh", passes::rules::sameAsInput());
  for (const char* name : {"aten::relu6", "aten::hardswish", "aten::hardsigmoid"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
  for (const char* name :
       {"aten::relu", "aten::relu_", "aten::sigmoid", "aten::tanh", "aten::exp", "aten::log",
        "aten::sqrt", "aten::rsqrt", "aten::abs", "aten::neg", "aten::floor", "aten::ceil",
        "aten::sin", "aten::cos", "aten::erf", "aten::sign", "aten::silu"}) {
    table.setShapeRule(name, passes::rules::sameAsInput());
  }

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("aten::neg", passes::folds::negation());
  table.setFold("aten::floor", passes::folds::rounding(false));
  table.setFold("aten::ceil", passes::folds::rounding(true));
  table.setFold("aten::sqrt", passes::folds::math(passes::folds::MathFunction::Sqrt));
  table.setFold("aten::exp", passes::folds::math(passes::folds::MathFunction::Exp));
  table.setFold("aten::sin", passes::folds::math(passes::folds::MathFunction::Sin));
  table.setFold("aten::cos", passes::folds::math(passes::folds::MathFunction::Cos));
  table.setFold("aten::tanh", passes::folds::math(passes::folds::MathFunction::Tanh));
  table.setFold("aten::log", passes::folds::logarithm());
}

}  // namespace ts2coreml::lower
