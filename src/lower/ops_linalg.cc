// Matrix products: matmul/mm/bmm (mil.matmul; vectors get a unit axis and lose it again), mv,
// dot, outer, addmm/baddbmm/addmv (beta * self + alpha * product).
#include <cmath>
#include <limits>

#include "lower/op_families.h"
#include "passes/shape_rules_math.h"

namespace ts2coreml::lower {

ir::Value* matmulOf(LoweringContext& ctx, ir::Value* x, ir::Value* y, bool transposeY,
                    ir::TypePtr type) {
  auto& b = ctx.builder();
  return b.op1("matmul",
               {{"x", x},
                {"y", y},
                {"transpose_x", b.constBool(false)},
                {"transpose_y", b.constBool(transposeY)}},
               std::move(type));
}

namespace {

// torch.matmul semantics: 1-D operands are treated as a row (x) / column (y) and the unit axis is
// dropped from the result.
ir::Value* torchMatmul(LoweringContext& ctx, const ir::Node& node, ir::Value* x, ir::Value* y) {
  DType dtype = promotedDType(x, y);
  x = castTo(ctx, x, dtype);
  y = castTo(ctx, y, dtype);
  Shape xs = knownShape(ctx, node, x), ys = knownShape(ctx, node, y);
  if (xs.empty() || ys.empty()) ctx.fail(node, "matmul of a 0-d tensor");
  bool vx = xs.size() == 1, vy = ys.size() == 1;
  if (vx) x = reshapeTo(ctx, x, {1, xs[0]});
  if (vy) y = reshapeTo(ctx, y, {ys[0], 1});
  ir::TypePtr type = outputType(node);
  Shape out = *type->shape();
  Shape full = out;
  if (vx) full.insert(full.end() - (vy ? 0 : 1), 1);
  if (vy) full.push_back(1);
  ir::Value* r = matmulOf(ctx, x, y, false, ir::Type::tensor(dtype, full));
  return reshapeTo(ctx, r, out);
}

void lowerMatmul(LoweringContext& ctx, const ir::Node& node) {
  ctx.bind(node.output(), torchMatmul(ctx, node, ctx.get(node.input(0)), ctx.get(node.input(1))));
}

// dot(a, b) = sum(a * b)
void lowerDot(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* product = binaryMil(ctx, "mul", ctx.get(node.input(0)), ctx.get(node.input(1)));
  auto& b = ctx.builder();
  ctx.bind(
      node.output(),
      b.op1("reduce_sum",
            {{"x", product}, {"axes", b.constIntVector({0})}, {"keep_dims", b.constBool(false)}},
            ir::Type::tensor(dtypeOf(product), Shape{})));
}

// outer(a [n], b [m]) = a[:, None] * b[None, :]
void lowerOuter(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* a = ctx.get(node.input(0));
  ir::Value* b = ctx.get(node.input(1));
  DType dtype = promotedDType(a, b);
  a = reshapeTo(ctx, castTo(ctx, a, dtype), {knownShape(ctx, node, a)[0], 1});
  b = reshapeTo(ctx, castTo(ctx, b, dtype), {1, knownShape(ctx, node, b)[0]});
  ctx.bind(node.output(), binaryMil(ctx, "mul", a, b));
}

// addmm(self, mat1, mat2, beta, alpha) and baddbmm / addmv with the same arguments.
void lowerAddProduct(LoweringContext& ctx, const ir::Node& node) {
  auto number = [&](size_t input) {
    auto value = ctx.constant(node.input(input));
    if (!value || !(value->isDouble() || value->isInt()))
      ctx.fail(node, "beta and alpha must be constants");
    return value->toNumber();
  };
  double beta = node.inputs().size() > 3 ? number(3) : 1.0;
  double alpha = node.inputs().size() > 4 ? number(4) : 1.0;
  ir::Value* product = torchMatmul(ctx, node, ctx.get(node.input(1)), ctx.get(node.input(2)));
  DType dtype = dtypeOf(product);
  if (alpha != 1.0) product = binaryMil(ctx, "mul", product, scalarConst(ctx, alpha, dtype));
  if (beta == 0.0) return ctx.bind(node.output(), product);
  ir::Value* self = castTo(ctx, ctx.get(node.input(0)), dtype);
  if (beta != 1.0) self = binaryMil(ctx, "mul", self, scalarConst(ctx, beta, dtype));
  ctx.bind(node.output(), binaryMil(ctx, "add", product, self));
}

}  // namespace

void registerLinalgOps(LoweringTable& table) {
  for (const char* name : {"aten::matmul", "aten::mm", "aten::bmm", "aten::mv"})
    table[name] = lowerMatmul;
  table["aten::dot"] = lowerDot;
  table["aten::outer"] = lowerOuter;
  for (const char* name : {"aten::addmm", "aten::baddbmm", "aten::addmv"})
    table[name] = lowerAddProduct;

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::matmul", "aten::mm", "aten::bmm", "aten::mv", "aten::dot"}) {
    table.setShapeRule(name, passes::rules::matrixProduct());
  }
  table.setShapeRule("aten::outer", passes::rules::outerProduct());
  for (const char* name : {"aten::addmm", "aten::baddbmm", "aten::addmv"}) {
    table.setShapeRule(name, passes::rules::addedMatrixProduct());
  }
}

}  // namespace ts2coreml::lower
