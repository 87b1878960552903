// Elementwise activations: one MIL op each, same type as the input.
#include "lower/op_families.h"
#include "passes/shape_rules.h"

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
}

}  // namespace ts2coreml::lower
