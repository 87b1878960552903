// aten::mean / aten::sum (all elements or over dims) -> mil.reduce_mean / reduce_sum.
#include "lower/op_families.h"
#include "passes/shape_rules.h"

namespace ts2coreml::lower {

namespace {

// mean(Tensor self, ScalarType? dtype) or mean.dim(Tensor self, int[1]? dim, bool keepdim,
// ScalarType? dtype); sum has the same two forms.
LoweringFn reduction(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    std::vector<NamedInput> inputs{{"x", x}};
    bool allAxes = node.inputs().size() <= 2 || ctx.isNone(node.input(1));
    if (!allAxes) {
      inputs.emplace_back("axes", ctx.builder().constIntVector(ctx.constantInts(node, 1)));
      inputs.emplace_back("keep_dims", ctx.builder().constBool(ctx.constantBool(node, 2)));
    } else {
      inputs.emplace_back("keep_dims", ctx.builder().constBool(false));
    }
    ir::TypePtr type = milTypeOf(node.output()->type());
    ctx.bind(node.output(), ctx.builder().op(op, inputs, {type})->output());
  };
}

}  // namespace

void registerReductionOps(LoweringTable& table) {
  table["aten::mean"] = reduction("reduce_mean");
  table["aten::sum"] = reduction("reduce_sum");

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::mean", passes::rules::reduction());
  table.setShapeRule("aten::sum", passes::rules::reduction());
}

}  // namespace ts2coreml::lower
