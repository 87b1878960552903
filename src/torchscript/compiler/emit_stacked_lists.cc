// Lists of tensors grown by append() inside a data-dependent loop. Their length depends on the
// data, so the compiler cannot track their items one by one: the list becomes one tensor, the
// items stacked on a new first axis, carried by the loop. append is a concat; len, indexing,
// torch.stack and torch.cat read the tensor. Row 0 is a placeholder (zeros) so the tensor is
// never empty, whatever the trip count; readers skip it.
#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

bool knownTensorType(const ir::TypePtr& type) {
  return type && type->isTensor() && type->dtype() && type->shape();
}

}  // namespace

void ModuleCompiler::toStackedList(const SValue& list, const Stmt& where) {
  ir::TypePtr itemType = list->elementType;
  for (const SValue& item : list->items) {
    ir::Value* value = materialize(item);
    if (!value->type()->isTensor()) {
      fail(where, "a list of " + value->type()->str() +
                      " grown inside a data-dependent loop is not supported (only tensors)");
    }
    if (!knownTensorType(itemType)) itemType = value->type();
    if (!(*value->type() == *itemType)) {
      fail(where,
           "a list grown inside a data-dependent loop must hold tensors of one type; it "
           "holds " +
               itemType->str() + " and " + value->type()->str());
    }
  }
  if (itemType && itemType->kind() != ir::TypeKind::Tensor) {
    fail(where, "a list of " + itemType->str() +
                    " grown inside a data-dependent loop is not supported (only tensors)");
  }
  list->kind = SugaredValue::Kind::StackedList;
  list->elementType = itemType ? itemType : ir::Type::tensor(std::nullopt);
  list->value = nullptr;
}

ir::Value* ModuleCompiler::stackedListValue(const SValue& list) {
  if (list->value) return list->value;
  if (!knownTensorType(list->elementType)) {
    ir::Node* node = emitter_.appendNode("prim::Uninitialized");
    return node->addOutput(ir::Type::tensor(list->elementType->dtype()));
  }
  const Shape& itemShape = *list->elementType->shape();
  if (list->items.empty()) {
    Shape rowShape{1};
    rowShape.insert(rowShape.end(), itemShape.begin(), itemShape.end());
    list->value = emitter_.constant(IValue(Tensor(*list->elementType->dtype(), rowShape)));
    return list->value;
  }
  std::vector<SValue> rows{SugaredValue::ofValue(
      emitter_.constant(IValue(Tensor(*list->elementType->dtype(), itemShape))))};
  rows.insert(rows.end(), list->items.begin(), list->items.end());
  SValue zero = SugaredValue::ofValue(emitter_.constant(IValue(int64_t{0})));
  list->items.clear();
  list->value = materialize(
      emitOperator("aten::stack", CallArguments{{SugaredValue::ofList(rows), zero}, {}}, nullptr));
  return list->value;
}

std::optional<SValue> ModuleCompiler::emitStackedListOp(const std::string& name, const SValue& list,
                                                        const CallArguments& args) {
  const auto& pos = args.positional;
  auto constant = [&](int64_t v) { return SugaredValue::ofValue(emitter_.constant(IValue(v))); };
  auto op = [&](const std::string& kind, std::vector<SValue> operands) {
    return emitOperator(kind, CallArguments{std::move(operands), {}}, nullptr);
  };
  SValue stacked = SugaredValue::ofValue(list->value);
  // The items without the placeholder row.
  auto items = [&] {
    return op("aten::slice", {stacked, constant(0), constant(1),
                              SugaredValue::ofValue(emitter_.constant(IValue())), constant(1)});
  };
  if (name == "aten::append" && pos.size() == 2) {
    ir::Value* item = materialize(pos[1]);
    if (!item->type()->isTensor()) {
      emitter_.fail("appending a " + item->type()->str() +
                    " to a list grown in a data-dependent loop (only tensors are supported)");
    }
    noteListChange(list);
    if (!knownTensorType(list->elementType)) list->elementType = item->type();
    SValue row = op("aten::unsqueeze", {SugaredValue::ofValue(item), constant(0)});
    list->value = materialize(op("aten::cat", {SugaredValue::ofList({stacked, row}), constant(0)}));
    return SugaredValue::ofValue(emitter_.constant(IValue()));
  }
  if (name == "aten::len" && pos.size() == 1) {
    return op("aten::sub", {op("aten::size", {stacked, constant(0)}), constant(1)});
  }
  if (name == "aten::__getitem__" && pos.size() == 2) {
    SValue index = pos[1];
    auto known = constantOf(index);
    // Non-negative indices skip the placeholder row; negative ones count from the end as is.
    if (!known || !known->isInt() || known->toInt() >= 0)
      index = op("aten::add", {index, constant(1)});
    return op("aten::select", {stacked, constant(0), index});
  }
  if ((name == "aten::stack" || name == "aten::cat") && !pos.empty()) {
    int64_t dim = 0;
    if (pos.size() > 1) {
      auto given = constantOf(pos[1]);
      if (!given || !given->isInt()) emitter_.fail(name + " needs a constant dim");
      dim = given->toInt();
    }
    const auto& itemShape = list->elementType->shape();
    if (!itemShape) emitter_.fail("the list's item shape is unknown");
    int64_t itemRank = static_cast<int64_t>(itemShape->size());
    if (dim < 0) dim += itemRank + (name == "aten::stack" ? 1 : 0);
    SValue result = items();  // [n, item...]
    if (dim != 0) result = op("aten::movedim", {result, constant(0), constant(dim)});
    if (name == "aten::stack") return result;
    // cat: merge the item count into the item axis `dim`: [.., n, d, ..] -> [.., n * d, ..].
    std::vector<IValue> shape;
    for (int64_t k = 0; k < itemRank; ++k)
      shape.emplace_back(k == dim ? int64_t{-1} : (*itemShape)[static_cast<size_t>(k)]);
    return op("aten::reshape",
              {result, SugaredValue::ofValue(emitter_.constant(IValue::list(shape)))});
  }
  return std::nullopt;
}

}  // namespace ts2coreml::torchscript
