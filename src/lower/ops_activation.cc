// Elementwise activations: one MIL op each, same type as the input.
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

LoweringFn unary(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(), ctx.builder().op1(op, {{"x", x}}, x->type()));
  };
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

  // Result types (aten_op_table.h).
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
