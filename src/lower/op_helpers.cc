// Small MIL-building helpers shared by the op families (declared in op_families.h).
#include "core/error.h"
#include "lower/op_families.h"
#include "passes/shape_inference.h"

namespace ts2coreml::lower {

ir::TypePtr outputType(const ir::Node& node, size_t index) {
  return milTypeOf(node.output(index)->type());
}

ir::Value* unaryMil(LoweringContext& ctx, ir::MilOpName op, ir::Value* x) {
  return ctx.builder().op1(op, {{"x", x}}, x->type());
}

ir::Value* binaryMil(LoweringContext& ctx, ir::MilOpName op, ir::Value* x, ir::Value* y) {
  std::optional<Shape> shape;
  const auto& a = x->type()->shape();
  const auto& b = y->type()->shape();
  if (a && b) shape = passes::broadcastShapes(*a, *b);
  return ctx.builder().op1(op, {{"x", x}, {"y", y}}, ir::Type::tensor(dtypeOf(x), shape));
}

ir::Value* scalarConst(LoweringContext& ctx, double value, DType dtype) {
  if (dtype == DType::Int64) dtype = DType::Int32;
  return ctx.builder().constTensor(Tensor::scalar(dtype, value));
}

ir::Value* toFloat(LoweringContext& ctx, ir::Value* value) {
  DType dtype = dtypeOf(value);
  return isFloatingPoint(dtype) ? value : castTo(ctx, value, DType::Float32);
}

int64_t axisOf(LoweringContext& ctx, const ir::Node& node, int64_t dim, int64_t rank) {
  if (dim < 0) dim += rank;
  if (dim < 0 || dim >= rank) ctx.fail(node, "dimension out of range");
  return dim;
}

const Shape& knownShape(LoweringContext& ctx, const ir::Node& node, const ir::Value* value) {
  const auto& shape = value->type()->shape();
  if (!shape) ctx.fail(node, "needs an input of known shape");
  for (int64_t d : *shape)
    if (d < 0) ctx.fail(node, "needs an input of known shape, got " + shapeToString(*shape));
  return *shape;
}

ir::Value* reshapeTo(LoweringContext& ctx, ir::Value* x, const Shape& shape) {
  if (x->type()->shape() && *x->type()->shape() == shape) return x;
  auto& b = ctx.builder();
  return b.op1("reshape", {{"x", x}, {"shape", b.constIntVector(shape)}},
               ir::Type::tensor(dtypeOf(x), shape));
}

ir::Value* transposeBy(LoweringContext& ctx, ir::Value* x, const std::vector<int64_t>& perm) {
  const Shape& shape = *x->type()->shape();
  Shape out;
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) {
    out.push_back(shape[static_cast<size_t>(perm[i])]);
    identity = identity && perm[i] == static_cast<int64_t>(i);
  }
  if (identity) return x;
  auto& b = ctx.builder();
  return b.op1("transpose", {{"x", x}, {"perm", b.constIntVector(perm)}},
               ir::Type::tensor(dtypeOf(x), out));
}

ir::Value* gatherConst(LoweringContext& ctx, ir::Value* x, int64_t axis,
                       const std::vector<int64_t>& indices) {
  Shape out = *x->type()->shape();
  out[static_cast<size_t>(axis)] = static_cast<int64_t>(indices.size());
  auto& b = ctx.builder();
  return b.op1("gather",
               {{"x", x}, {"indices", b.constIntVector(indices)}, {"axis", b.constInt(axis)}},
               ir::Type::tensor(dtypeOf(x), out));
}

ir::Value* broadcastTo(LoweringContext& ctx, ir::Value* x, const Shape& target) {
  Shape shape = *x->type()->shape();
  if (shape.size() < target.size()) {
    shape.insert(shape.begin(), target.size() - shape.size(), 1);
    x = reshapeTo(ctx, x, shape);
  }
  std::vector<int64_t> reps;
  bool tiled = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    reps.push_back(shape[i] == target[i] ? 1 : target[i]);
    tiled = tiled || reps.back() != 1;
  }
  if (!tiled) return x;
  auto& b = ctx.builder();
  return b.op1("tile", {{"x", x}, {"reps", b.constIntVector(reps)}},
               ir::Type::tensor(dtypeOf(x), target));
}

}  // namespace ts2coreml::lower
