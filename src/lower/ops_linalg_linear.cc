// aten::linear -> mil.linear (x · weightᵀ + bias).
#include "lower/op_families.h"
#include "passes/shape_rules.h"

namespace ts2coreml::lower {

namespace {

void lowerLinear(LoweringContext& ctx, const ir::Node& node) {
  std::vector<NamedInput> inputs{{"x", ctx.get(node.input(0))}, {"weight", ctx.get(node.input(1))}};
  if (node.inputs().size() > 2 && !ctx.isNone(node.input(2))) {
    inputs.emplace_back("bias", ctx.get(node.input(2)));
  }
  ctx.bind(node.output(),
           ctx.builder().op("linear", inputs, {milTypeOf(node.output()->type())})->output());
}

}  // namespace

void registerLinalgLinearOps(LoweringTable& table) {
  table["aten::linear"] = lowerLinear;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::linear", passes::rules::linear());
}

}  // namespace ts2coreml::lower
