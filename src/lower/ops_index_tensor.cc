// Indexing with an index tensor (x[i], x[:, i]: aten::index with one integer index tensor ->
// gather), repeat_interleave with a constant repeat count (a gather with a constant index map)
// and cosine_similarity (dot product over the product of the norms).
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_index.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

// index(self, Tensor?[] indices): the Nones before the one index tensor are full slices.
void lowerIndex(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  knownShape(ctx, node, x);
  auto items = ctx.listItems(node.input(1));
  if (!items) ctx.fail(node, "needs a list of index tensors");
  std::optional<int64_t> axis;
  ir::Value* index = nullptr;
  for (size_t i = 0; i < items->size(); ++i) {
    if (!(*items)[i]) continue;
    if (index) ctx.fail(node, "indexing with several index tensors is not supported");
    index = (*items)[i];
    axis = static_cast<int64_t>(i);
  }
  if (!index) ctx.fail(node, "needs an index tensor");
  if (dtypeOf(index) == DType::Bool)
    ctx.fail(node,
             "boolean mask indexing has a data-dependent shape, which Core ML cannot express");
  index = castTo(ctx, index, DType::Int32);
  auto& b = ctx.builder();
  ctx.bind(node.output(),
           b.op1("gather", {{"x", x}, {"indices", index}, {"axis", b.constInt(*axis)}},
                 outputType(node)));
}

// repeat_interleave(self, repeats, dim?, output_size?) with one constant repeat count: item k of
// the result is item k / repeats of the input (over the flattened input when dim is None).
void lowerRepeatInterleave(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  Shape shape = knownShape(ctx, node, x);
  auto repeats = ctx.constant(node.input(1));
  int64_t r = 0;
  if (repeats && repeats->isInt()) {
    r = repeats->toInt();
  } else if (repeats && repeats->isTensor() && repeats->toTensor().numel() == 1) {
    r = static_cast<int64_t>(repeats->toTensor().elementAsDouble(0));
  } else {
    ctx.fail(node, "repeats must be one constant count");
  }
  int64_t axis = 0;
  if (node.inputs().size() > 2 && !ctx.isNone(node.input(2))) {
    axis = axisOf(ctx, node, ctx.constantInt(node, 2), static_cast<int64_t>(shape.size()));
  } else {
    x = reshapeTo(ctx, x, {shapeNumel(shape)});
  }
  int64_t n = (*x->type()->shape())[static_cast<size_t>(axis)];
  std::vector<int64_t> indices;
  for (int64_t k = 0; k < n * r; ++k) indices.push_back(k / r);
  ctx.bind(node.output(), gatherConst(ctx, x, axis, indices));
}

// cosine_similarity(x1, x2, dim, eps) = sum(x1 * x2) / max(|x1| * |x2|, eps) along dim.
void lowerCosineSimilarity(LoweringContext& ctx, const ir::Node& node) {
  ir::TypePtr type = outputType(node);
  DType dtype = *type->dtype();
  ir::Value* a = castTo(ctx, ctx.get(node.input(0)), dtype);
  ir::Value* c = castTo(ctx, ctx.get(node.input(1)), dtype);
  ir::Value* product = binaryMil(ctx, "mul", a, c);
  const Shape& shape = knownShape(ctx, node, product);
  int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 2), static_cast<int64_t>(shape.size()));
  auto eps = ctx.constant(node.input(3));
  if (!eps) ctx.fail(node, "eps must be a constant");
  auto& b = ctx.builder();
  auto reduce = [&](ir::MilOpName op, ir::Value* v) {
    return b.op1(op,
                 {{"x", v}, {"axes", b.constIntVector({axis})}, {"keep_dims", b.constBool(false)}},
                 type);
  };
  ir::Value* norms = b.op1("mul",
                           {{"x", reduce("reduce_l2_norm", broadcastTo(ctx, a, shape))},
                            {"y", reduce("reduce_l2_norm", broadcastTo(ctx, c, shape))}},
                           type);
  ir::Value* denominator =
      b.op1("maximum", {{"x", norms}, {"y", scalarConst(ctx, eps->toNumber(), dtype)}}, type);
  ctx.bind(node.output(),
           b.op1("real_div", {{"x", reduce("reduce_sum", product)}, {"y", denominator}}, type));
}

}  // namespace

void registerIndexTensorOps(LoweringTable& table) {
  table["aten::index"] = lowerIndex;
  table["aten::repeat_interleave"] = lowerRepeatInterleave;
  table["aten::cosine_similarity"] = lowerCosineSimilarity;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::index", passes::rules::firstOf(passes::rules::indexByOneTensor(),
                                                           passes::rules::advancedIndexing()));
  table.setShapeRule("aten::repeat_interleave", passes::rules::repeatInterleave());
  table.setShapeRule("aten::cosine_similarity", passes::rules::cosineSimilarity());
}

}  // namespace ts2coreml::lower
