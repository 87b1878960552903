// Indexing with index tensors (x[i], x[:, i], x[i, j]: aten::index with integer index tensors ->
// gather), repeat_interleave with a constant repeat count (a gather with a constant index map)
// and cosine_similarity (dot product over the product of the norms).
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_index.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

// x[i0, i1, ...] with several index tensors (Nones between or around them keep their
// dimensions): the indexed dimensions are moved to the front and merged into one, each index is
// wrapped into its dimension (negative indices count from the end, as in Python) and the merged
// position sum(i_k * stride_k), broadcast to the indices' common shape B, gathers along it. torch
// puts B where the indexed dimensions were when they are adjacent, else first.
ir::Value* gatherByIndexTensors(LoweringContext& ctx, const ir::Node& node, ir::Value* x,
                                const std::vector<std::pair<int64_t, ir::Value*>>& indexed) {
  const Shape& shape = *x->type()->shape();
  const int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<int64_t> perm;
  Shape kept;
  for (const auto& item : indexed) perm.push_back(item.first);
  for (int64_t d = 0; d < rank; ++d) {
    if (std::find(perm.begin(), perm.end(), d) != perm.end()) continue;
    perm.push_back(d);
    kept.push_back(shape[static_cast<size_t>(d)]);
  }
  int64_t merged = 1;
  for (const auto& item : indexed) {
    const int64_t size = shape[static_cast<size_t>(item.first)];
    if (size <= 0)
      ctx.fail(node, fmt::format("indexing dimension {} of size {}", item.first, size));
    merged *= size;
    if (merged > std::numeric_limits<int32_t>::max())
      ctx.fail(node, "the indexed dimensions hold more than 2^31 elements");
  }
  Shape flatShape{merged};
  flatShape.insert(flatShape.end(), kept.begin(), kept.end());
  ir::Value* flat = reshapeTo(ctx, transposeBy(ctx, x, perm), flatShape);

  ir::Value* position = nullptr;
  int64_t stride = merged;
  for (const auto& [axis, index] : indexed) {
    const int64_t size = shape[static_cast<size_t>(axis)];
    stride /= size;
    ir::Value* wrapped = binaryMil(ctx, "mod", castTo(ctx, index, DType::Int32),
                                   scalarConst(ctx, static_cast<double>(size), DType::Int32));
    ir::Value* term = stride == 1
                          ? wrapped
                          : binaryMil(ctx, "mul", wrapped,
                                      scalarConst(ctx, static_cast<double>(stride), DType::Int32));
    position = position ? binaryMil(ctx, "add", position, term) : term;
  }
  const Shape& positions = knownShape(ctx, node, position);
  Shape gathered(positions);
  gathered.insert(gathered.end(), kept.begin(), kept.end());
  auto& b = ctx.builder();
  ir::Value* result = b.op1("gather", {{"x", flat}, {"indices", position}, {"axis", b.constInt(0)}},
                            ir::Type::tensor(dtypeOf(x), gathered));

  const int64_t first = indexed.front().first;
  const bool adjacent = indexed.back().first - first + 1 == static_cast<int64_t>(indexed.size());
  if (!adjacent || first == 0) return result;
  // Adjacent: the `first` kept dimensions before the indexed ones go back in front of B.
  const int64_t batchRank = static_cast<int64_t>(positions.size());
  std::vector<int64_t> back;
  for (int64_t d = 0; d < first; ++d) back.push_back(batchRank + d);
  for (int64_t d = 0; d < batchRank; ++d) back.push_back(d);
  for (int64_t d = batchRank + first; d < static_cast<int64_t>(gathered.size()); ++d)
    back.push_back(d);
  return transposeBy(ctx, result, back);
}

// index(self, Tensor?[] indices): integer index tensors, Nones as full slices. One index tensor
// is one gather along its axis.
void lowerIndex(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape& shape = knownShape(ctx, node, x);
  auto items = ctx.listItems(node.input(1));
  if (!items) ctx.fail(node, "needs a list of index tensors");
  if (items->size() > shape.size())
    ctx.fail(node, fmt::format("{} indices for a tensor of rank {}", items->size(), shape.size()));
  std::vector<std::pair<int64_t, ir::Value*>> indexed;
  for (size_t i = 0; i < items->size(); ++i) {
    ir::Value* index = (*items)[i];
    if (!index) continue;
    if (dtypeOf(index) == DType::Bool || dtypeOf(index) == DType::UInt8)
      ctx.fail(node,
               "boolean mask indexing has a data-dependent shape, which Core ML cannot express");
    indexed.emplace_back(static_cast<int64_t>(i), index);
  }
  if (indexed.empty()) ctx.fail(node, "needs an index tensor");
  ir::Value* result = nullptr;
  if (indexed.size() == 1) {
    auto& b = ctx.builder();
    result = b.op1("gather",
                   {{"x", x},
                    {"indices", castTo(ctx, indexed[0].second, DType::Int32)},
                    {"axis", b.constInt(indexed[0].first)}},
                   outputType(node));
  } else {
    result = gatherByIndexTensors(ctx, node, x, indexed);
  }
  ctx.bind(node.output(), result);
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
