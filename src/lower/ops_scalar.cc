// Tensor <-> scalar conversions. At MIL level a scalar is a rank-0 tensor, so these are shape and
// dtype adjustments: item() of a one-element tensor, int(t), float(t), bool(t), NumToTensor.
#include "lower/op_families.h"

namespace ts2coreml::lower {

namespace {

// A rank-0 view of a one-element tensor, cast to `dtype`.
ir::Value* toScalar(LoweringContext& ctx, const ir::Node& node, ir::Value* value, DType dtype) {
  const auto& shape = value->type()->shape();
  if (!shape) ctx.fail(node, "needs a tensor of known shape");
  if (!shape->empty()) {
    if (shapeNumel(*shape) != 1) ctx.fail(node, "needs a one-element tensor");
    value =
        ctx.builder().op1("reshape", {{"x", value}, {"shape", ctx.builder().constIntVector({})}},
                          ir::Type::tensor(dtypeOf(value), Shape{}));
  }
  return castTo(ctx, value, dtype);
}

LoweringFn scalarOf(std::optional<DType> fixed) {
  return [fixed](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* value = ctx.get(node.input(0));
    DType dtype = fixed ? *fixed : dtypeOf(value);
    if (!fixed && !isFloatingPoint(dtype) && dtype != DType::Bool) dtype = DType::Int32;
    ctx.bind(node.output(), toScalar(ctx, node, value, dtype));
  };
}

void lowerNumToTensor(LoweringContext& ctx, const ir::Node& node) {
  ctx.bind(node.output(), ctx.get(node.input(0)));
}

}  // namespace

void registerScalarOps(LoweringTable& table) {
  table["aten::item"] = scalarOf(std::nullopt);
  table["aten::ScalarImplicit"] = scalarOf(std::nullopt);
  table["aten::Int"] = scalarOf(DType::Int32);
  table["aten::IntImplicit"] = scalarOf(DType::Int32);
  table["aten::Float"] = scalarOf(DType::Float32);
  table["aten::FloatImplicit"] = scalarOf(DType::Float32);
  table["aten::Bool"] = scalarOf(DType::Bool);
  table["prim::NumToTensor"] = lowerNumToTensor;
}

}  // namespace ts2coreml::lower
