// Tuples exist only at the torch level: TupleConstruct records its lowered items (nested tuples
// flattened, so a graph output `(a, (b, c))` gives three Core ML outputs), TupleUnpack and
// TupleIndex with a constant index pick them again.
#include "lower/op_families.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

void lowerTupleConstruct(LoweringContext& ctx, const ir::Node& node) {
  std::vector<ir::Value*> items;
  for (const ir::Value* input : node.inputs()) {
    if (auto nested = ctx.tupleItems(input)) {
      items.insert(items.end(), nested->begin(), nested->end());
    } else {
      items.push_back(ctx.get(input));
    }
  }
  ctx.bindTuple(node.output(), std::move(items));
}

// Items of a tuple are addressed by position only when no item is itself a tuple.
std::vector<ir::Value*> flatItems(LoweringContext& ctx, const ir::Node& node) {
  auto found = ctx.tupleItems(node.input(0));
  if (!found) ctx.fail(node, "the tuple was not built in the converted graph");
  if (found->size() != node.input(0)->type()->elements().size())
    ctx.fail(node, "indexing a tuple of tuples is not supported");
  return *found;
}

void lowerTupleUnpack(LoweringContext& ctx, const ir::Node& node) {
  const std::vector<ir::Value*> items = flatItems(ctx, node);
  for (size_t i = 0; i < node.numOutputs(); ++i) ctx.bind(node.output(i), items.at(i));
}

void lowerTupleIndex(LoweringContext& ctx, const ir::Node& node) {
  const std::vector<ir::Value*> items = flatItems(ctx, node);
  int64_t index = ctx.constantInt(node, 1);
  if (index < 0) index += static_cast<int64_t>(items.size());
  if (index < 0 || index >= static_cast<int64_t>(items.size()))
    ctx.fail(node, "tuple index out of range");
  ctx.bind(node.output(), items[static_cast<size_t>(index)]);
}

}  // namespace

void registerTupleOps(LoweringTable& table) {
  table["prim::TupleConstruct"] = lowerTupleConstruct;
  table["prim::TupleUnpack"] = lowerTupleUnpack;
  table["prim::TupleIndex"] = lowerTupleIndex;

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("aten::len", passes::folds::length());
  for (const char* name : {"aten::__getitem__", "prim::TupleIndex"}) {
    table.setFold(name, passes::folds::item());
  }
  table.setFold("aten::__contains__", passes::folds::membership());
  table.setFold("prim::TupleConstruct", passes::folds::tupleOf());
  table.setFold("aten::list", passes::folds::listCopy());
}

}  // namespace ts2coreml::lower
