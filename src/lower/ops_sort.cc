// topk, sort and argsort -> mil.topk (sort and argsort take every item of the axis).
#include "lower/op_families.h"
#include "passes/shape_rules_math.h"

namespace ts2coreml::lower {

namespace {

ir::Node* emitTopk(LoweringContext& ctx, const ir::Node& node, int64_t dim, int64_t k,
                   bool ascending, ir::TypePtr indicesType) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape shape = knownShape(ctx, node, x);
  if (shape.empty()) ctx.fail(node, "needs a tensor of rank >= 1");
  int64_t axis = axisOf(ctx, node, dim, static_cast<int64_t>(shape.size()));
  Shape out = shape;
  out[static_cast<size_t>(axis)] = k;
  auto& b = ctx.builder();
  return b.op("topk",
              {{"x", x},
               {"k", b.constInt(k)},
               {"axis", b.constInt(axis)},
               {"ascending", b.constBool(ascending)}},
              {ir::Type::tensor(dtypeOf(x), out), std::move(indicesType)});
}

// topk(self, k, dim, largest, sorted): the result is always sorted.
void lowerTopk(LoweringContext& ctx, const ir::Node& node) {
  int64_t k = ctx.constantInt(node, 1);
  ir::Node* topk = emitTopk(ctx, node, ctx.constantInt(node, 2), k, !ctx.constantBool(node, 3),
                            outputType(node, 1));
  ctx.bind(node.output(0), topk->output(0));
  ctx.bind(node.output(1), topk->output(1));
}

// The (dim, descending) arguments of sort / argsort: (self, dim, descending) or the .stable
// overload (self, *, stable, dim, descending).
std::pair<int64_t, bool> sortArgs(LoweringContext& ctx, const ir::Node& node) {
  bool stable = node.inputs().size() == 4;
  return {ctx.constantInt(node, stable ? 2 : 1), ctx.constantBool(node, stable ? 3 : 2)};
}

int64_t axisSize(LoweringContext& ctx, const ir::Node& node, int64_t dim) {
  const Shape& shape = knownShape(ctx, node, ctx.get(node.input(0)));
  if (shape.empty()) ctx.fail(node, "needs a tensor of rank >= 1");
  return shape[static_cast<size_t>(axisOf(ctx, node, dim, static_cast<int64_t>(shape.size())))];
}

void lowerSort(LoweringContext& ctx, const ir::Node& node) {
  auto [dim, descending] = sortArgs(ctx, node);
  ir::Node* topk =
      emitTopk(ctx, node, dim, axisSize(ctx, node, dim), !descending, outputType(node, 1));
  ctx.bind(node.output(0), topk->output(0));
  ctx.bind(node.output(1), topk->output(1));
}

void lowerArgsort(LoweringContext& ctx, const ir::Node& node) {
  auto [dim, descending] = sortArgs(ctx, node);
  ir::Node* topk =
      emitTopk(ctx, node, dim, axisSize(ctx, node, dim), !descending, outputType(node));
  ctx.bind(node.output(), topk->output(1));
}

}  // namespace

void registerSortOps(LoweringTable& table) {
  table["aten::topk"] = lowerTopk;
  table["aten::sort"] = lowerSort;
  table["aten::argsort"] = lowerArgsort;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::sort", passes::rules::sortAlong(passes::rules::SortResult::Sorted));
  table.setShapeRule("aten::argsort", passes::rules::sortAlong(passes::rules::SortResult::Indices));
  table.setShapeRule("aten::topk", passes::rules::sortAlong(passes::rules::SortResult::TopK));
}

}  // namespace ts2coreml::lower
