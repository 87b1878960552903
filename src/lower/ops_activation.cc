// Elementwise activations: one MIL op each, same type as the input.
#include "lower/op_families.h"

namespace ts2coreml::lower {

namespace {

LoweringFn unary(const std::string& op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(), ctx.builder().op1(op, {{"x", x}}, x->type()));
  };
}

}  // namespace

void registerActivationOps(LoweringTable& table) {
  for (const char* name : {"relu", "sigmoid", "tanh", "exp", "sqrt", "rsqrt", "abs", "floor",
                           "ceil", "sin", "cos", "erf", "sign"}) {
    table[std::string("aten::") + name] = unary(name);
  }
  table["aten::silu"] = unary("silu");
  table["aten::log"] = unary("log");
  table["aten::neg"] = [](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ir::Value* minusOne = castTo(ctx, ctx.builder().constInt(-1), dtypeOf(x));
    ctx.bind(node.output(), ctx.builder().op1("mul", {{"x", x}, {"y", minusOne}}, x->type()));
  };
}

}  // namespace ts2coreml::lower
