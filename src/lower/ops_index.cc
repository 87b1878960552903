// Lists of tensors and indexing: prim::ListConstruct (recorded, like tuples), cat -> concat,
// stack, unsqueeze -> expand_dims, slice -> slice_by_index, select -> slice_by_index with a
// squeezed axis (constant index) or gather (index computed at run time); gather ->
// gather_along_axis, scatter and scatter_add -> scatter_along_axis.
#include <limits>
#include <optional>
#include <string>

#include "lower/op_families.h"
#include "passes/shape_rules_index.h"
#include "passes/shape_rules_pool.h"
#include "passes/shape_rules_shape.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

int64_t rankOf(LoweringContext& ctx, const ir::Node& node, const ir::Value* milValue) {
  const auto& shape = milValue->type()->shape();
  if (!shape) ctx.fail(node, "needs an input of known rank");
  return static_cast<int64_t>(shape->size());
}

int64_t normalizedDim(LoweringContext& ctx, const ir::Node& node, int64_t dim, int64_t rank) {
  if (dim < 0) dim += rank;
  if (dim < 0 || dim >= rank) ctx.fail(node, "dimension out of range");
  return dim;
}

void lowerListConstruct(LoweringContext& ctx, const ir::Node& node) {
  std::vector<ir::Value*> items;
  // None items (the full-slice places of an index list) are recorded as null.
  for (const ir::Value* input : node.inputs())
    items.push_back(ctx.isNone(input) ? nullptr : ctx.get(input));
  ctx.bindTuple(node.output(), std::move(items));
}

std::vector<ir::Value*> listItems(LoweringContext& ctx, const ir::Node& node, DType dtype) {
  // A list whose items are all constants was folded into one constant list.
  auto items = ctx.listItems(node.input(0));
  if (!items || items->empty()) ctx.fail(node, "needs a non-empty list of tensors");
  for (ir::Value*& item : *items) {
    if (!item) ctx.fail(node, "needs a list of tensors");
    item = castTo(ctx, item, dtype);
  }
  return *items;
}

LoweringFn join(bool stack) {
  return [stack](LoweringContext& ctx, const ir::Node& node) {
    ir::TypePtr type = milTypeOf(node.output()->type());
    std::vector<ir::Value*> items = listItems(ctx, node, type->dtype().value_or(DType::Float32));
    int64_t rank = rankOf(ctx, node, items[0]) + (stack ? 1 : 0);
    int64_t axis = normalizedDim(ctx, node, ctx.constantInt(node, 1), rank);
    std::vector<NamedInput> inputs;
    for (ir::Value* item : items) inputs.emplace_back("values", item);
    inputs.emplace_back("axis", ctx.builder().constInt(axis));
    if (!stack) inputs.emplace_back("interleave", ctx.builder().constBool(false));
    ctx.bind(node.output(),
             ctx.builder()
                 .op(stack ? ir::MilOpName("stack") : ir::MilOpName("concat"), inputs, {type})
                 ->output());
  };
}

void lowerUnsqueeze(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t axis = normalizedDim(ctx, node, ctx.constantInt(node, 1), rankOf(ctx, node, x) + 1);
  ctx.bind(
      node.output(),
      ctx.builder().op1("expand_dims", {{"x", x}, {"axes", ctx.builder().constIntVector({axis})}},
                        milTypeOf(node.output()->type())));
}

// slice_by_index over every axis: only `axis` is restricted, with begin/end/stride and masks.
ir::Value* sliceAxis(LoweringContext& ctx, ir::Value* x, int64_t rank, int64_t axis, int64_t begin,
                     std::optional<int64_t> end, int64_t stride, bool squeeze, ir::TypePtr type) {
  std::vector<int64_t> begins(rank, 0), ends(rank, 0), strides(rank, 1);
  std::vector<int64_t> beginMask(rank, 1), endMask(rank, 1), squeezeMask(rank, 0);
  begins[axis] = begin;
  beginMask[axis] = 0;
  if (end) {
    ends[axis] = *end;
    endMask[axis] = 0;
  }
  strides[axis] = stride;
  squeezeMask[axis] = squeeze ? 1 : 0;
  auto& b = ctx.builder();
  auto boolVector = [&](const std::vector<int64_t>& flags) {
    Tensor t(DType::Bool, Shape{rank});
    for (int64_t i = 0; i < rank; ++i) t.mutableData<bool>()[i] = flags[i] != 0;
    return b.constTensor(t);
  };
  return b.op1("slice_by_index",
               {{"x", x},
                {"begin", b.constIntVector(begins)},
                {"end", b.constIntVector(ends)},
                {"stride", b.constIntVector(strides)},
                {"begin_mask", boolVector(beginMask)},
                {"end_mask", boolVector(endMask)},
                {"squeeze_mask", boolVector(squeezeMask)}},
               std::move(type));
}

// slice.Tensor(self, dim, start?, end?, step): bounds clamped like torch's.
void lowerSlice(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = rankOf(ctx, node, x);
  int64_t axis = normalizedDim(ctx, node, ctx.constantInt(node, 1), rank);
  int64_t size = (*x->type()->shape())[static_cast<size_t>(axis)];
  auto bound = [&](size_t input) -> std::optional<int64_t> {
    if (node.inputs().size() <= input || ctx.isNone(node.input(input))) return std::nullopt;
    return ctx.constantInt(node, input);
  };
  int64_t step = node.inputs().size() > 4 ? ctx.constantInt(node, 4) : 1;
  if (step <= 0) ctx.fail(node, "slice step must be positive");
  int64_t begin = bound(2).value_or(0);
  std::optional<int64_t> end = bound(3);
  if (size >= 0) {
    auto clampIndex = [size](int64_t k) {
      return std::clamp<int64_t>(k < 0 ? k + size : k, 0, size);
    };
    begin = clampIndex(begin);
    if (end) end = clampIndex(*end);
    if (end && *end >= size) end.reset();  // to the end: the mask keeps it valid for any size
  } else if (end && *end == std::numeric_limits<int64_t>::max()) {
    end.reset();
  }
  ctx.bind(node.output(), sliceAxis(ctx, x, rank, axis, begin, end, step, false,
                                    milTypeOf(node.output()->type())));
}

// select.int(self, dim, index).
void lowerSelect(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = rankOf(ctx, node, x);
  int64_t axis = normalizedDim(ctx, node, ctx.constantInt(node, 1), rank);
  ir::TypePtr type = milTypeOf(node.output()->type());
  if (auto index = ctx.constant(node.input(2)); index && index->isInt()) {
    int64_t size = (*x->type()->shape())[static_cast<size_t>(axis)];
    int64_t i = index->toInt();
    if (size >= 0 && i < 0) i += size;
    if (size >= 0 && (i < 0 || i >= size)) ctx.fail(node, "index out of range");
    ctx.bind(node.output(), sliceAxis(ctx, x, rank, axis, i, i + 1, 1, true, type));
    return;
  }
  // A one-item index vector and a squeeze: neural networks have no rank-0 tensors, so a scalar
  // index would keep its axis there.
  ir::Value* index = reshapeTo(ctx, castTo(ctx, ctx.get(node.input(2)), DType::Int32), {1});
  Shape gathered = *x->type()->shape();
  gathered[static_cast<size_t>(axis)] = 1;
  auto& b = ctx.builder();
  ir::Value* row = b.op1("gather", {{"x", x}, {"indices", index}, {"axis", b.constInt(axis)}},
                         ir::Type::tensor(dtypeOf(x), gathered));
  ctx.bind(node.output(), b.op1("squeeze", {{"x", row}, {"axes", b.constIntVector({axis})}}, type));
}

// size(self, dim) of a dimension only known at run time (known sizes fold while compiling).
void lowerSize(LoweringContext& ctx, const ir::Node& node) {
  if (node.inputs().size() != 2) ctx.fail(node, "only size(dim) is supported at run time");
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = rankOf(ctx, node, x);
  int64_t dim = normalizedDim(ctx, node, ctx.constantInt(node, 1), rank);
  auto& b = ctx.builder();
  ir::Value* shape = b.op1("shape", {{"x", x}}, milTensor(DType::Int32, Shape{rank}));
  ctx.bind(node.output(),
           b.op1("gather", {{"x", shape}, {"indices", b.constInt(dim)}, {"axis", b.constInt(0)}},
                 milScalar(DType::Int32)));
}

void lowerMovedim(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = rankOf(ctx, node, x);
  int64_t from = normalizedDim(ctx, node, ctx.constantInt(node, 1), rank);
  int64_t to = normalizedDim(ctx, node, ctx.constantInt(node, 2), rank);
  std::vector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d) {
    if (d != from) perm.push_back(d);
  }
  perm.insert(perm.begin() + to, from);
  ctx.bind(node.output(),
           ctx.builder().op1("transpose", {{"x", x}, {"perm", ctx.builder().constIntVector(perm)}},
                             milTypeOf(node.output()->type())));
}

void lowerReshape(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  std::vector<int64_t> shape = ctx.constantInts(node, 1);
  ctx.bind(node.output(),
           ctx.builder().op1("reshape", {{"x", x}, {"shape", ctx.builder().constIntVector(shape)}},
                             milTypeOf(node.output()->type())));
}

// gather(self, dim, index, sparse_grad) -> gather_along_axis.
void lowerGather(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
  ir::Value* index = castTo(ctx, ctx.get(node.input(2)), DType::Int32);
  // Core ML's gather_along_axis needs index's sizes equal to x's outside the axis; torch allows
  // smaller ones and reads only that corner of x, so x is cut to it.
  const Shape indexShape = knownShape(ctx, node, index);
  if (static_cast<int64_t>(indexShape.size()) != rank) ctx.fail(node, "index must have x's rank");
  const Shape& shape = knownShape(ctx, node, x);
  for (int64_t d = 0; d < rank; ++d) {
    if (d != axis && indexShape[static_cast<size_t>(d)] > shape[static_cast<size_t>(d)])
      ctx.fail(node, "index is larger than x outside dim");
  }
  x = cutToCorner(ctx, x, indexShape, axis);
  auto& b = ctx.builder();
  ctx.bind(node.output(),
           b.op1("gather_along_axis", {{"x", x}, {"indices", index}, {"axis", b.constInt(axis)}},
                 outputType(node)));
}

// scatter(self, dim, index, src | value[, reduce]) and scatter_add(self, dim, index, src) ->
// mil.scatter_along_axis: out[.., index[p], ..] = src[p] (or combined with the value there). src
// is cut to index's shape (torch reads only that corner of it); a scalar value is broadcast to it.
LoweringFn scatter(const char* defaultMode) {
  return [defaultMode](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* self = ctx.get(node.input(0));
    const Shape& shape = knownShape(ctx, node, self);
    const int64_t rank = static_cast<int64_t>(shape.size());
    const int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
    ir::Value* index = ctx.get(node.input(2));
    const Shape indexShape = knownShape(ctx, node, index);
    // Core ML's scatter_along_axis needs index's sizes equal to self's outside the axis (torch
    // allows smaller ones; the output would have to be pieced together around them).
    bool fits = static_cast<int64_t>(indexShape.size()) == rank;
    for (int64_t d = 0; fits && d < rank; ++d) fits = d == axis || indexShape[d] == shape[d];
    if (!fits) {
      ctx.fail(node, "index " + shapeToString(indexShape) + " must have self's sizes " +
                         shapeToString(shape) + " outside dim " + std::to_string(axis) +
                         " (Core ML's scatter_along_axis)");
    }
    std::string mode = defaultMode;
    if (node.inputs().size() > 4) {  // the reduce= overloads
      std::optional<IValue> reduce = ctx.constant(node.input(4));
      const std::string how = reduce && reduce->isString() ? reduce->toString() : "";
      if (how != "add" && how != "multiply")
        ctx.fail(node, "reduce must be a constant 'add' or 'multiply'");
      mode = how == "add" ? "add" : "mul";
    }
    ir::Value* updates = castTo(ctx, ctx.get(node.input(3)), dtypeOf(self));
    const auto& updateShape = updates->type()->shape();
    if (updateShape && updateShape->empty()) {
      updates = broadcastTo(ctx, updates, indexShape);
    } else {
      const Shape srcShape = knownShape(ctx, node, updates);
      if (srcShape.size() != indexShape.size()) ctx.fail(node, "src must have index's rank");
      for (int64_t d = 0; d < rank; ++d) {
        if (srcShape[d] < indexShape[d]) ctx.fail(node, "src is smaller than index");
      }
      updates = cutToCorner(ctx, updates, indexShape);
    }
    auto& b = ctx.builder();
    ctx.bind(node.output(), b.op1("scatter_along_axis",
                                  {{"data", self},
                                   {"indices", castTo(ctx, index, DType::Int32)},
                                   {"updates", updates},
                                   {"axis", b.constInt(axis)},
                                   {"mode", b.constString(mode)}},
                                  outputType(node)));
  };
}

}  // namespace

ir::Value* sliceAlong(LoweringContext& ctx, ir::Value* x, int64_t axis, int64_t begin, int64_t end,
                      bool squeeze) {
  const auto& shape = x->type()->shape();
  Shape out = *shape;
  if (squeeze) {
    out.erase(out.begin() + axis);
  } else {
    out[static_cast<size_t>(axis)] = end - begin;
  }
  return sliceAxis(ctx, x, static_cast<int64_t>(shape->size()), axis, begin, end, 1, squeeze,
                   ir::Type::tensor(x->type()->dtype(), out));
}

ir::Value* cutToCorner(LoweringContext& ctx, ir::Value* x, const Shape& corner, int64_t keepAxis) {
  const Shape shape = *x->type()->shape();
  for (int64_t d = 0; d < static_cast<int64_t>(corner.size()); ++d) {
    const size_t i = static_cast<size_t>(d);
    if (d != keepAxis && corner[i] < shape[i]) x = sliceAlong(ctx, x, d, 0, corner[i], false);
  }
  return x;
}

void registerIndexOps(LoweringTable& table) {
  table["aten::size"] = lowerSize;
  table["aten::movedim"] = lowerMovedim;
  table["aten::reshape"] = lowerReshape;
  table["aten::view"] = lowerReshape;
  table["prim::ListConstruct"] = lowerListConstruct;
  table["aten::cat"] = join(false);
  table["aten::concat"] = join(false);
  table["aten::stack"] = join(true);
  table["aten::unsqueeze"] = lowerUnsqueeze;
  table["aten::slice"] = lowerSlice;
  table["aten::select"] = lowerSelect;
  table["aten::gather"] = lowerGather;
  table["aten::scatter"] = scatter("update");
  table["aten::scatter_add"] = scatter("add");

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::gather", passes::rules::gathered());
  for (const char* name : {"aten::cat", "aten::concat"}) {
    table.setShapeRule(name, passes::rules::concatenated());
  }
  table.setShapeRule("aten::stack", passes::rules::stacked());
  table.setShapeRule("aten::unsqueeze", passes::rules::unsqueezed());
  table.setShapeRule("aten::movedim", passes::rules::movedDim());
  for (const char* name : {"aten::reshape", "aten::view"}) {
    table.setShapeRule(name, passes::rules::reshaped());
  }
  table.setShapeRule("aten::select", passes::rules::selected());
  table.setShapeRule("aten::slice", passes::rules::sliced());
  for (const char* name : {"aten::scatter", "aten::scatter_add"})
    table.setShapeRule(name, passes::rules::sameAsTensorInput());

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("prim::ListConstruct", passes::folds::listOf());
}

}  // namespace ts2coreml::lower
