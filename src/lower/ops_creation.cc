// zeros/ones/full/empty and their _like forms -> mil.fill of the (static) result shape, cast to
// the result dtype (fill makes fp32; the neural-network fill layer has no other type); arange
// and eye of constant sizes -> constants.
#include "lower/op_families.h"
#include "passes/shape_rules_creation.h"
#include "passes/shape_rules_pool.h"
#include "passes/shape_rules_shape.h"

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
      if (!given) {
        // A value computed at run time (full_like(x, x.mean())): the scalar tiled to the shape.
        ir::Value* scalar = castTo(ctx, ctx.get(node.input(valueInput)), *type->dtype());
        if (!scalar->type()->shape() || shapeNumel(*scalar->type()->shape()) != 1)
          ctx.fail(node, "the fill value must be a number or a one-element tensor");
        ir::Value* unit = reshapeTo(ctx, scalar, Shape(shape->size(), 1));
        ctx.bind(node.output(), shape->empty() ? scalar : broadcastTo(ctx, unit, *shape));
        return;
      }
      if (!(given->isDouble() || given->isInt() || given->isBool()))
        ctx.fail(node, "the fill value must be a number");
      value = given->toNumber();
    }
    auto& b = ctx.builder();
    ir::Value* filled =
        b.op1("fill", {{"shape", b.constIntVector(*shape)}, {"value", b.constFloat(value)}},
              milTensor(DType::Float32, *shape));
    ctx.bind(node.output(), castTo(ctx, filled, *type->dtype()));
  };
}

// arange(end) / arange(start, end) / arange(start, end, step) with constant bounds: a constant
// of the result type (its length comes from the shape rule).
void lowerArange(LoweringContext& ctx, const ir::Node& node) {
  ir::TypePtr type = milTypeOf(node.output()->type());
  if (!type->shape() || !type->dtype()) ctx.fail(node, "the bounds must be constants");
  size_t numbers = node.inputs().size() == 5 ? 1 : node.inputs().size() == 6 ? 2 : 3;
  std::vector<double> args;
  for (size_t i = 0; i < numbers; ++i) {
    auto value = ctx.constant(node.input(i));
    if (!value || !(value->isInt() || value->isDouble()))
      ctx.fail(node, "the bounds must be constants");
    args.push_back(value->toNumber());
  }
  double start = numbers == 1 ? 0 : args[0], step = numbers == 3 ? args[2] : 1;
  Tensor values(DType::Float64, *type->shape());
  for (int64_t i = 0; i < values.numel(); ++i)
    values.mutableData<double>()[i] = start + step * static_cast<double>(i);
  ctx.bind(node.output(), ctx.builder().constTensor(values.to(*type->dtype())));
}

// eye(n, dtype, ...) / eye.m(n, m, dtype, ...): the sizes come first, the dtype after them.
size_t eyeSizeCount(size_t operands) {
  return operands >= 6 ? 2 : 1;
}

std::optional<ir::TypePtr> eyeType(const passes::OpOperands& ops, size_t) {
  const size_t sizes = eyeSizeCount(ops.types.size());
  Shape shape;
  for (size_t i = 0; i < sizes; ++i) {
    if (i >= ops.constants.size() || !ops.constants[i] || !ops.constants[i]->isInt())
      return std::nullopt;
    shape.push_back(ops.constants[i]->toInt());
  }
  if (sizes == 1) shape.push_back(shape[0]);
  std::optional<DType> dtype = DType::Float32;
  const auto& code = sizes < ops.constants.size() ? ops.constants[sizes] : std::nullopt;
  if (code && code->isInt()) dtype = dtypeFromTorchScalarType(code->toInt());
  return ir::Type::tensor(dtype, shape);
}

// An identity matrix of constant sizes: row index == column index, from two index vectors
// (n + m constants, not n * m). Constant evaluation (api/mil_constant_evaluation.cc) makes it one
// constant up to its size limit; a larger one is computed when the model runs.
void lowerEye(LoweringContext& ctx, const ir::Node& node) {
  ir::TypePtr type = milTypeOf(node.output()->type());
  if (!type->shape() || !type->dtype()) ctx.fail(node, "the sizes must be constants");
  const Shape& shape = *type->shape();
  if (shape[0] < 0 || shape[1] < 0) ctx.fail(node, "the sizes must not be negative");
  auto indices = [](int64_t count, Shape layout) {
    Tensor values(DType::Int32, std::move(layout));
    for (int64_t i = 0; i < count; ++i) values.mutableData<int32_t>()[i] = static_cast<int32_t>(i);
    return values;
  };
  auto& b = ctx.builder();
  ir::Value* rows = b.constTensor(indices(shape[0], {shape[0], 1}));
  ir::Value* cols = b.constTensor(indices(shape[1], {1, shape[1]}));
  ir::Value* diagonal = b.op1("equal", {{"x", rows}, {"y", cols}}, milTensor(DType::Bool, shape));
  ctx.bind(node.output(), castTo(ctx, diagonal, *type->dtype()));
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
  table["aten::new_zeros"] = fillWith(0.0, 0);
  table["aten::new_empty"] = fillWith(0.0, 0);
  table["aten::new_ones"] = fillWith(1.0, 0);
  table["aten::new_full"] = fillWith(std::nullopt, 2);
  table["aten::fill"] = fillWith(std::nullopt, 1);  // fill_(self, value), made functional
  table["aten::arange"] = lowerArange;
  table["aten::eye"] = lowerEye;

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::zeros", "aten::ones", "aten::empty"}) {
    table.setShapeRule(name, passes::rules::sized(false));
  }
  table.setShapeRule("aten::full", passes::rules::sized(true));
  for (const char* name : {"aten::zeros_like", "aten::ones_like", "aten::empty_like"}) {
    table.setShapeRule(name, passes::rules::sizedLike(false));
  }
  table.setShapeRule("aten::full_like", passes::rules::sizedLike(true));
  table.setShapeRule("aten::fill", passes::rules::sameAsTensorInput());
  table.setShapeRule("aten::arange", passes::rules::arange());
  for (const char* name : {"aten::new_zeros", "aten::new_ones", "aten::new_empty"}) {
    table.setShapeRule(name, passes::rules::newSized(2));
  }
  table.setShapeRule("aten::new_full", passes::rules::newSized(3));
  table.setShapeRule("aten::eye", eyeType);
}

}  // namespace ts2coreml::lower
