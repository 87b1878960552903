// Tensor <-> scalar conversions. At MIL level a scalar is a rank-0 tensor, so these are shape and
// dtype adjustments: item() of a one-element tensor, int(t), float(t), bool(t), NumToTensor.
#include "lower/op_families.h"
#include "passes/shape_rules_creation.h"
#include "passes/static_eval.h"

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

// tensor(number, dtype?, ...) of a run-time int, float or bool: scalars are rank-0 tensors in
// MIL already, so it is the number cast to the result's dtype (constants are folded before).
void lowerTensorOfNumber(LoweringContext& ctx, const ir::Node& node) {
  const ir::TypeKind number = node.input(0)->type()->kind();
  if (number != ir::TypeKind::Int && number != ir::TypeKind::Float && number != ir::TypeKind::Bool)
    ctx.fail(node, "torch.tensor of a run-time " + node.input(0)->type()->str() +
                       " is not supported (a number or a constant is)");
  const ir::TypePtr type = milTypeOf(node.output()->type());
  if (!type->dtype()) ctx.fail(node, "the dtype of the result is unknown");
  ctx.bind(node.output(), castTo(ctx, ctx.get(node.input(0)), *type->dtype()));
}

ir::Value* intOp(LoweringContext& ctx, ir::MilOpName op, ir::Value* x, ir::Value* y) {
  return ctx.builder().op1(op, {{"x", x}, {"y", y}}, milScalar(DType::Int32));
}

// __range_length(lo, hi, step): how many times `for i in range(lo, hi, step)` runs. The step
// must be a constant (its sign decides the formula).
void lowerRangeLength(LoweringContext& ctx, const ir::Node& node) {
  int64_t step = ctx.constantInt(node, 2);
  if (step == 0) ctx.fail(node, "range() step must not be zero");
  ir::Value* lo = castTo(ctx, ctx.get(node.input(0)), DType::Int32);
  ir::Value* hi = castTo(ctx, ctx.get(node.input(1)), DType::Int32);
  auto& b = ctx.builder();
  ir::Value* span = step > 0 ? intOp(ctx, "sub", hi, lo) : intOp(ctx, "sub", lo, hi);
  int64_t magnitude = step > 0 ? step : -step;
  ir::Value* rounded = intOp(ctx, "add", span, b.constInt(magnitude - 1));
  ir::Value* count = intOp(ctx, "floor_div", rounded, b.constInt(magnitude));
  ctx.bind(node.output(), intOp(ctx, "maximum", count, b.constInt(0)));
}

// __derive_index(index, start, step) = start + index * step: the loop variable of range().
void lowerDeriveIndex(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* index = castTo(ctx, ctx.get(node.input(0)), DType::Int32);
  ir::Value* start = castTo(ctx, ctx.get(node.input(1)), DType::Int32);
  ir::Value* step = castTo(ctx, ctx.get(node.input(2)), DType::Int32);
  ctx.bind(node.output(), intOp(ctx, "add", start, intOp(ctx, "mul", index, step)));
}

}  // namespace

void registerScalarOps(LoweringTable& table) {
  table["aten::__range_length"] = lowerRangeLength;
  table["aten::__derive_index"] = lowerDeriveIndex;
  table["aten::item"] = scalarOf(std::nullopt);
  table["aten::ScalarImplicit"] = scalarOf(std::nullopt);
  table["aten::Int"] = scalarOf(DType::Int32);
  table["aten::IntImplicit"] = scalarOf(DType::Int32);
  table["aten::Float"] = scalarOf(DType::Float32);
  table["aten::FloatImplicit"] = scalarOf(DType::Float32);
  table["aten::Bool"] = scalarOf(DType::Bool);
  table["prim::NumToTensor"] = lowerNumToTensor;
  table["aten::tensor"] = lowerTensorOfNumber;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::tensor", passes::rules::scalarTensor());

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("aten::__is__", passes::folds::identity(false));
  table.setFold("aten::__isnot__", passes::folds::identity(true));
  table.setFold("aten::Int", passes::folds::conversion(passes::folds::Conversion::Int));
  table.setFold("aten::Float", passes::folds::conversion(passes::folds::Conversion::Float));
  table.setFold("aten::Bool", passes::folds::conversion(passes::folds::Conversion::Bool));
  table.setFold("aten::str", passes::folds::conversion(passes::folds::Conversion::Str));
  table.setFold("aten::format", passes::folds::format());
  table.setFold("aten::__range_length", passes::folds::rangeLength());
  table.setFold("aten::__derive_index", passes::folds::derivedIndex());
}

}  // namespace ts2coreml::lower
