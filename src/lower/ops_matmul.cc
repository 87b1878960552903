// Matrix products: matmul/mm/bmm (mil.matmul; vectors get a unit axis and lose it again), mv,
// dot, outer, addmm/baddbmm/addmv (beta * self + alpha * product), and
// scaled_dot_product_attention (matmul, scale, mask, softmax, matmul).
#include <cmath>
#include <limits>

#include "lower/op_families.h"
#include "passes/shape_rules_math.h"

namespace ts2coreml::lower {

namespace {

ir::Value* matmul(LoweringContext& ctx, ir::Value* x, ir::Value* y, bool transposeY,
                  ir::TypePtr type) {
  auto& b = ctx.builder();
  return b.op1("matmul",
               {{"x", x},
                {"y", y},
                {"transpose_x", b.constBool(false)},
                {"transpose_y", b.constBool(transposeY)}},
               std::move(type));
}

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
  ir::Value* r = matmul(ctx, x, y, false, ir::Type::tensor(dtype, full));
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

// scaled_dot_product_attention(query, key, value, attn_mask?, dropout_p, is_causal, scale?,
// enable_gqa): softmax(q kᵀ * scale + mask) v. A bool mask keeps the positions where it is true.
void lowerAttention(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* q = toFloat(ctx, ctx.get(node.input(0)));
  ir::Value* k = castTo(ctx, ctx.get(node.input(1)), dtypeOf(q));
  ir::Value* v = castTo(ctx, ctx.get(node.input(2)), dtypeOf(q));
  const Shape qs = knownShape(ctx, node, q), ks = knownShape(ctx, node, k);
  if (qs.size() < 2 || ks.size() != qs.size())
    ctx.fail(node, "query and key must have the same rank >= 2");
  auto dropout = ctx.constant(node.input(4));
  if (!dropout || dropout->toNumber() != 0.0) ctx.fail(node, "dropout_p must be 0 at inference");
  bool causal = ctx.constantBool(node, 5);
  double scale = 1.0 / std::sqrt(static_cast<double>(qs.back()));
  if (node.inputs().size() > 6 && !ctx.isNone(node.input(6))) {
    auto given = ctx.constant(node.input(6));
    if (!given) ctx.fail(node, "scale must be a constant");
    scale = given->toNumber();
  }
  if (node.inputs().size() > 7 && ctx.constantBool(node, 7))
    ctx.fail(node, "enable_gqa is not supported");
  int64_t length = qs[qs.size() - 2], source = ks[ks.size() - 2];
  Shape scoreShape(qs.begin(), qs.end() - 1);
  scoreShape.push_back(source);
  ir::TypePtr scoreType = ir::Type::tensor(dtypeOf(q), scoreShape);
  ir::Value* scores = matmul(ctx, q, k, true, scoreType);
  scores = binaryMil(ctx, "mul", scores, scalarConst(ctx, scale, dtypeOf(q)));
  auto& b = ctx.builder();
  ir::Value* negInf = scalarConst(ctx, -std::numeric_limits<double>::infinity(), dtypeOf(q));
  auto keepWhere = [&](ir::Value* keep) {
    return b.op1("select", {{"cond", keep}, {"a", scores}, {"b", negInf}}, scoreType);
  };
  if (causal) {
    Tensor lower(DType::Bool, Shape{length, source});
    for (int64_t i = 0; i < length; ++i)
      for (int64_t j = 0; j < source; ++j) lower.mutableData<bool>()[i * source + j] = j <= i;
    scores = keepWhere(b.constTensor(lower));
  }
  if (!ctx.isNone(node.input(3))) {
    ir::Value* mask = ctx.get(node.input(3));
    scores = dtypeOf(mask) == DType::Bool
                 ? keepWhere(mask)
                 : b.op1("add", {{"x", scores}, {"y", castTo(ctx, mask, dtypeOf(q))}}, scoreType);
  }
  ir::Value* weights = b.op1("softmax", {{"x", scores}, {"axis", b.constInt(-1)}}, scoreType);
  ctx.bind(node.output(), matmul(ctx, weights, v, false, outputType(node)));
}

}  // namespace

void registerMatmulOps(LoweringTable& table) {
  for (const char* name : {"aten::matmul", "aten::mm", "aten::bmm", "aten::mv"})
    table[name] = lowerMatmul;
  table["aten::dot"] = lowerDot;
  table["aten::outer"] = lowerOuter;
  for (const char* name : {"aten::addmm", "aten::baddbmm", "aten::addmv"})
    table[name] = lowerAddProduct;
  table["aten::scaled_dot_product_attention"] = lowerAttention;

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::matmul", "aten::mm", "aten::bmm", "aten::mv", "aten::dot"}) {
    table.setShapeRule(name, passes::rules::matrixProduct());
  }
  table.setShapeRule("aten::outer", passes::rules::outerProduct());
  for (const char* name : {"aten::addmm", "aten::baddbmm", "aten::addmv"}) {
    table.setShapeRule(name, passes::rules::addedMatrixProduct());
  }
  table.setShapeRule("aten::scaled_dot_product_attention",
                     passes::rules::scaledDotProductAttention());
}

}  // namespace ts2coreml::lower
