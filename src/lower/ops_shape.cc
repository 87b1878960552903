// Layout ops on static shapes: transpose/permute (mil.transpose), flatten (reshape),
// expand/expand_as and repeat (mil.tile), squeeze, narrow, t,
// unflatten/view_as/reshape_as (reshape), flip and roll (gathers and concats of
// slices), pixel_shuffle/unshuffle and channel_shuffle (reshape, transpose, reshape), tril/triu
// (select with a constant mask), and the index-tensor ops index_select and embedding.
#include "lower/op_families.h"
#include "passes/shape_rules_index.h"
#include "passes/shape_rules_pool.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

void lowerExpand(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  knownShape(ctx, node, x);
  ctx.bind(node.output(), broadcastTo(ctx, x, *outputType(node)->shape()));
}

// repeat(self, repeats) = tile after adding leading unit axes.
void lowerRepeat(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  Shape shape = knownShape(ctx, node, x);
  std::vector<int64_t> reps = ctx.constantInts(node, 1);
  if (reps.size() < shape.size()) ctx.fail(node, "fewer repeats than dimensions");
  shape.insert(shape.begin(), reps.size() - shape.size(), 1);
  x = reshapeTo(ctx, x, shape);
  auto& b = ctx.builder();
  ctx.bind(node.output(),
           b.op1("tile", {{"x", x}, {"reps", b.constIntVector(reps)}}, outputType(node)));
}

// The ops whose result is a reshape of their input to the (static) result shape.
void lowerReshapeToResult(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  ir::TypePtr type = outputType(node);
  if (!type->shape()) ctx.fail(node, "the result's shape must be known");
  ctx.bind(node.output(), reshapeTo(ctx, x, *type->shape()));
}

// squeeze(self) / squeeze.dim(self, dim) / squeeze.dims(self, dims): drops the named unit axes.
void lowerSqueeze(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape shape = knownShape(ctx, node, x);
  int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<int64_t> axes;
  if (node.inputs().size() == 1) {
    for (int64_t d = 0; d < rank; ++d)
      if (shape[static_cast<size_t>(d)] == 1) axes.push_back(d);
  } else {
    for (int64_t d : ctx.constantInts(node, 1)) {
      if (rank == 0) continue;
      int64_t axis = axisOf(ctx, node, d, rank);
      if (shape[static_cast<size_t>(axis)] == 1) axes.push_back(axis);
    }
  }
  if (axes.empty()) return ctx.bind(node.output(), x);
  auto& b = ctx.builder();
  ctx.bind(node.output(),
           b.op1("squeeze", {{"x", x}, {"axes", b.constIntVector(axes)}}, outputType(node)));
}

// narrow(self, dim, start, length)
void lowerNarrow(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape& shape = knownShape(ctx, node, x);
  int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), static_cast<int64_t>(shape.size()));
  int64_t start = ctx.constantInt(node, 2);
  if (start < 0) start += shape[static_cast<size_t>(axis)];
  ctx.bind(node.output(), sliceAlong(ctx, x, axis, start, start + ctx.constantInt(node, 3), false));
}

// t(self): the transpose of a matrix (vectors and scalars are returned as they are).
void lowerSwap(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  if (node.kind() == "aten::t" && rank < 2) return ctx.bind(node.output(), x);
  int64_t a = node.kind() == "aten::t" ? 0 : axisOf(ctx, node, ctx.constantInt(node, 1), rank);
  int64_t c = node.kind() == "aten::t" ? 1 : axisOf(ctx, node, ctx.constantInt(node, 2), rank);
  std::vector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d) perm.push_back(d);
  std::swap(perm[static_cast<size_t>(a)], perm[static_cast<size_t>(c)]);
  ctx.bind(node.output(), transposeBy(ctx, x, perm));
}

// numpy_T(self) (`x.T`): all dimensions reversed.
void lowerReverseDims(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  if (rank < 2) return ctx.bind(node.output(), x);
  std::vector<int64_t> perm;
  for (int64_t d = rank - 1; d >= 0; --d) perm.push_back(d);
  ctx.bind(node.output(), transposeBy(ctx, x, perm));
}

// flip(self, dims): a gather with reversed indices per axis.
void lowerFlip(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape shape = knownShape(ctx, node, x);
  for (int64_t d : ctx.constantInts(node, 1)) {
    int64_t axis = axisOf(ctx, node, d, static_cast<int64_t>(shape.size()));
    std::vector<int64_t> indices;
    for (int64_t i = shape[static_cast<size_t>(axis)] - 1; i >= 0; --i) indices.push_back(i);
    x = gatherConst(ctx, x, axis, indices);
  }
  ctx.bind(node.output(), x);
}

// roll(self, shifts, dims): per axis, the last `shift` items move to the front.
void lowerRoll(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape shape = knownShape(ctx, node, x);
  std::vector<int64_t> shifts = ctx.constantInts(node, 1);
  std::vector<int64_t> dims = ctx.constantInts(node, 2);
  bool flat = dims.empty();
  if (flat) {
    x = reshapeTo(ctx, x, {shapeNumel(shape)});
    dims = {0};
  }
  if (shifts.size() != dims.size()) ctx.fail(node, "shifts and dims differ in length");
  for (size_t i = 0; i < dims.size(); ++i) {
    const Shape& current = *x->type()->shape();
    int64_t axis = axisOf(ctx, node, dims[i], static_cast<int64_t>(current.size()));
    int64_t n = current[static_cast<size_t>(axis)];
    int64_t s = ((shifts[i] % n) + n) % n;
    std::vector<int64_t> indices;
    for (int64_t k = 0; k < n; ++k) indices.push_back((k - s + n) % n);
    if (s != 0) x = gatherConst(ctx, x, axis, indices);
  }
  ctx.bind(node.output(), flat ? reshapeTo(ctx, x, shape) : x);
}

// pixel_shuffle(x [N, C*r*r, H, W], r) -> [N, C, H*r, W*r]; pixel_unshuffle is the inverse.
LoweringFn pixelShuffle(bool shuffle) {
  return [shuffle](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    const Shape shape = knownShape(ctx, node, x);
    if (shape.size() != 4) ctx.fail(node, "needs an [N, C, H, W] input");
    int64_t r = ctx.constantInt(node, 1), n = shape[0];
    if (shuffle) {
      int64_t c = shape[1] / (r * r), h = shape[2], w = shape[3];
      ir::Value* split = reshapeTo(ctx, x, {n, c, r, r, h, w});
      ir::Value* moved = transposeBy(ctx, split, {0, 1, 4, 2, 5, 3});
      ctx.bind(node.output(), reshapeTo(ctx, moved, {n, c, h * r, w * r}));
    } else {
      int64_t c = shape[1], h = shape[2] / r, w = shape[3] / r;
      ir::Value* split = reshapeTo(ctx, x, {n, c, h, r, w, r});
      ir::Value* moved = transposeBy(ctx, split, {0, 1, 3, 5, 2, 4});
      ctx.bind(node.output(), reshapeTo(ctx, moved, {n, c * r * r, h, w}));
    }
  };
}

// channel_shuffle(x [N, C, ...], groups): channel g * (C / groups) + k moves to k * groups + g,
// as reshape [N, groups, C / groups, ...], swap the two, reshape back (ShuffleNet's shuffle).
void lowerChannelShuffle(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape shape = knownShape(ctx, node, x);
  if (shape.size() < 3) ctx.fail(node, "needs an input of rank >= 3 (torch's requirement)");
  const int64_t groups = ctx.constantInt(node, 1);
  if (groups <= 0 || shape[1] % groups != 0) {
    ctx.fail(node, "groups " + std::to_string(groups) + " must divide the " +
                       std::to_string(shape[1]) + " channels");
  }
  Shape grouped{shape[0], groups, shape[1] / groups};
  grouped.insert(grouped.end(), shape.begin() + 2, shape.end());
  std::vector<int64_t> perm(grouped.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
  std::swap(perm[1], perm[2]);
  ir::Value* swapped = transposeBy(ctx, reshapeTo(ctx, x, grouped), perm);
  ctx.bind(node.output(), reshapeTo(ctx, swapped, shape));
}

// tril/triu(self, diagonal): keeps j - i <= k (tril) or j - i >= k (triu) of the last two axes.
LoweringFn triangle(bool lower) {
  return [lower](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    const Shape shape = knownShape(ctx, node, x);
    if (shape.size() < 2) ctx.fail(node, "needs a tensor of rank >= 2");
    int64_t k = node.inputs().size() > 1 ? ctx.constantInt(node, 1) : 0;
    int64_t rows = shape[shape.size() - 2], cols = shape.back();
    Tensor mask(DType::Bool, Shape{rows, cols});
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        mask.mutableData<bool>()[i * cols + j] = lower ? j - i <= k : j - i >= k;
    auto& b = ctx.builder();
    ctx.bind(
        node.output(),
        b.op1("select",
              {{"cond", b.constTensor(mask)}, {"a", x}, {"b", scalarConst(ctx, 0, dtypeOf(x))}},
              x->type()));
  };
}

// index_select(self, dim, index [K]) -> gather along dim.
void lowerIndexSelect(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
  ir::Value* index = castTo(ctx, ctx.get(node.input(2)), DType::Int32);
  if (index->type()->shape() && index->type()->shape()->empty()) index = reshapeTo(ctx, index, {1});
  auto& b = ctx.builder();
  ctx.bind(node.output(),
           b.op1("gather", {{"x", x}, {"indices", index}, {"axis", b.constInt(axis)}},
                 outputType(node)));
}

// embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse) -> gather on axis 0.
void lowerEmbedding(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* weight = ctx.get(node.input(0));
  ir::Value* indices = castTo(ctx, ctx.get(node.input(1)), DType::Int32);
  auto& b = ctx.builder();
  ctx.bind(node.output(),
           b.op1("gather", {{"x", weight}, {"indices", indices}, {"axis", b.constInt(0)}},
                 outputType(node)));
}

// transpose(x, a, b) and permute(x, dims) -> mil.transpose with the full permutation.
LoweringFn permutation(bool swapTwo) {
  return [swapTwo](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    int64_t rank = static_cast<int64_t>(x->type()->shape()->size());
    auto normalize = [&](int64_t d) {
      if (d < 0) d += rank;
      if (d < 0 || d >= rank) ctx.fail(node, "dimension out of range");
      return d;
    };
    std::vector<int64_t> perm;
    if (swapTwo) {
      for (int64_t d = 0; d < rank; ++d) perm.push_back(d);
      std::swap(perm[normalize(ctx.constantInt(node, 1))],
                perm[normalize(ctx.constantInt(node, 2))]);
    } else {
      for (int64_t d : ctx.constantInts(node, 1)) perm.push_back(normalize(d));
    }
    auto& b = ctx.builder();
    ctx.bind(node.output(), b.op1("transpose", {{"x", x}, {"perm", b.constIntVector(perm)}},
                                  milTypeOf(node.output()->type())));
  };
}

void lowerFlatten(LoweringContext& ctx, const ir::Node& node) {
  ir::TypePtr type = milTypeOf(node.output()->type());
  const auto& shape = type->shape();
  if (!shape) ctx.fail(node, "the result's shape must be known");
  ctx.bind(node.output(), ctx.builder().op1("reshape",
                                            {{"x", ctx.get(node.input(0))},
                                             {"shape", ctx.builder().constIntVector(*shape)}},
                                            type));
}

}  // namespace

void registerShapeOps(LoweringTable& table) {
  table["aten::expand"] = lowerExpand;
  table["aten::expand_as"] = lowerExpand;
  table["aten::repeat"] = lowerRepeat;
  for (const char* name : {"aten::unflatten", "aten::view_as", "aten::reshape_as"})
    table[name] = lowerReshapeToResult;
  table["aten::squeeze"] = lowerSqueeze;
  table["aten::narrow"] = lowerNarrow;
  table["aten::t"] = lowerSwap;
  table["aten::numpy_T"] = lowerReverseDims;
  table["aten::flip"] = lowerFlip;
  table["aten::roll"] = lowerRoll;
  table["aten::pixel_shuffle"] = pixelShuffle(true);
  table["aten::pixel_unshuffle"] = pixelShuffle(false);
  table["aten::channel_shuffle"] = lowerChannelShuffle;
  table["aten::native_channel_shuffle"] = lowerChannelShuffle;
  table["aten::tril"] = triangle(true);
  table["aten::triu"] = triangle(false);
  table["aten::index_select"] = lowerIndexSelect;
  table["aten::embedding"] = lowerEmbedding;

  table["aten::transpose"] = permutation(true);
  table["aten::permute"] = permutation(false);
  table["aten::flatten"] = lowerFlatten;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::transpose", passes::rules::transposed());
  table.setShapeRule("aten::permute", passes::rules::permuted());
  table.setShapeRule("aten::flatten", passes::rules::flatten());
  table.setShapeRule("aten::embedding", passes::rules::embedding());
  for (const char* name : {"aten::expand_as", "aten::view_as", "aten::reshape_as"}) {
    table.setShapeRule(name, passes::rules::shapeOfSecond());
  }
  for (const char* name : {"aten::flip", "aten::roll", "aten::tril", "aten::triu",
                           "aten::channel_shuffle", "aten::native_channel_shuffle"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
  table.setShapeRule("aten::expand", passes::rules::expanded());
  table.setShapeRule("aten::repeat", passes::rules::repeat());
  table.setShapeRule("aten::squeeze", passes::rules::squeezed());
  table.setShapeRule("aten::t", passes::rules::transposed2d());
  table.setShapeRule("aten::numpy_T", passes::rules::reversedDims());
  table.setShapeRule("aten::narrow", passes::rules::narrowed());
  table.setShapeRule("aten::unflatten", passes::rules::unflattened());
  table.setShapeRule("aten::pixel_shuffle", passes::rules::pixelShuffle(true));
  table.setShapeRule("aten::pixel_unshuffle", passes::rules::pixelShuffle(false));
  table.setShapeRule("aten::index_select", passes::rules::indexSelect());
}

}  // namespace ts2coreml::lower
