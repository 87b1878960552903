// zeros/ones/full/empty and their _like forms -> mil.fill of the (static) result shape, cast to
// the result dtype (fill makes fp32; the neural-network fill layer has no other type).
#include "lower/op_families.h"

namespace ts2coreml::lower {

namespace {

LoweringFn fillWith(std::optional<double> fixedValue, size_t valueInput) {
  return [fixedValue, valueInput](LoweringContext& ctx, const ir::Node& node) {
    ir::TypePtr type = milTypeOf(node.output()->type());
    const auto& shape = type->shape();
    if (!shape || !type->dtype()) ctx.fail(node, "the result's shape and dtype must be known");
    double value = 0.0;
    if (fixedValue) {
      value = *fixedValue;
    } else {
      auto given = ctx.constant(node.input(valueInput));
      if (!given || !(given->isDouble() || given->isInt() || given->isBool()))
        ctx.fail(node, "the fill value must be a constant number");
      value = given->toNumber();
    }
    auto& b = ctx.builder();
    ir::Value* filled =
        b.op1("fill", {{"shape", b.constIntVector(*shape)}, {"value", b.constFloat(value)}},
              milTensor(DType::Float32, *shape));
    ctx.bind(node.output(), castTo(ctx, filled, *type->dtype()));
  };
}

}  // namespace

void registerCreationOps(LoweringTable& table) {
  table["aten::zeros"] = fillWith(0.0, 0);
  table["aten::zeros_like"] = fillWith(0.0, 0);
  table["aten::empty"] = fillWith(0.0, 0);  // any content is valid; zeros are deterministic
  table["aten::empty_like"] = fillWith(0.0, 0);
  table["aten::ones"] = fillWith(1.0, 0);
  table["aten::ones_like"] = fillWith(1.0, 0);
  table["aten::full"] = fillWith(std::nullopt, 1);
  table["aten::full_like"] = fillWith(std::nullopt, 1);
}

}  // namespace ts2coreml::lower
