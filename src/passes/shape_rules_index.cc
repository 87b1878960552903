#include "passes/shape_rules_index.h"

#include <algorithm>
#include <limits>

#include "passes/shape_rule_helpers.h"

namespace ts2coreml::passes::rules {

namespace {

std::optional<int64_t> constantInt(const OpOperands& ops, size_t i) {
  if (i >= ops.constants.size() || !ops.constants[i] || !ops.constants[i]->isInt())
    return std::nullopt;
  return ops.constants[i]->toInt();
}

// cat/stack take a Tensor[] whose element types the list type carries only as "Tensor"; the
// compiler passes the element types as the operands after the list (see OpOperands::listItems).
std::optional<ir::TypePtr> joined(const OpOperands& ops, bool stack) {
  if (ops.listItems.empty()) return std::nullopt;
  auto dim = constantInt(ops, 1);
  if (!dim) return std::nullopt;
  const ir::TypePtr& first = ops.listItems[0];
  if (!first->isTensor() || !first->shape()) return ir::Type::tensor(first->dtype());
  Shape shape = *first->shape();
  auto axis = normalizeDim(*dim, shape.size() + (stack ? 1 : 0));
  if (!axis) return std::nullopt;
  if (stack) {
    shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(*axis),
                 static_cast<int64_t>(ops.listItems.size()));
    return ir::Type::tensor(first->dtype(), shape);
  }
  int64_t total = 0;
  for (const auto& item : ops.listItems) {
    if (!item->isTensor() || !item->shape() || item->shape()->size() != shape.size())
      return ir::Type::tensor(first->dtype());
    int64_t d = (*item->shape())[*axis];
    total = (total < 0 || d < 0) ? -1 : total + d;
  }
  shape[*axis] = total;
  return ir::Type::tensor(first->dtype(), shape);
}

// index(self, Tensor?[] indices), torch's advanced indexing: the index tensors broadcast to one
// shape B; a None keeps its dimension. B takes the place of the indexed dimensions when they are
// adjacent, else it comes first. Boolean masks give a data-dependent shape.
std::optional<ir::TypePtr> advancedIndex(const ir::TypePtr& input, const OpOperands& ops) {
  if (ops.listItems.empty() || ops.listItems.size() > input->shape()->size())
    return ir::Type::tensor(input->dtype());
  const Shape& shape = *input->shape();
  std::optional<Shape> indexShape;
  std::vector<size_t> indexed;
  for (size_t i = 0; i < ops.listItems.size(); ++i) {
    const ir::TypePtr& item = ops.listItems[i];
    if (item->kind() == ir::TypeKind::None) continue;
    if (!item->isTensor() || !item->shape() || !item->dtype() || *item->dtype() == DType::Bool ||
        *item->dtype() == DType::UInt8)
      return ir::Type::tensor(input->dtype());
    indexShape = indexShape ? broadcastShapes(*indexShape, *item->shape()) : item->shape();
    if (!indexShape) return std::nullopt;
    indexed.push_back(i);
  }
  if (indexed.empty()) return ir::Type::tensor(input->dtype(), shape);
  const bool adjacent = indexed.back() - indexed.front() + 1 == indexed.size();
  Shape kept;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (std::find(indexed.begin(), indexed.end(), i) == indexed.end()) kept.push_back(shape[i]);
  }
  const size_t at = adjacent ? indexed.front() : 0;
  Shape out(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), indexShape->begin(), indexShape->end());
  out.insert(out.end(), kept.begin() + static_cast<std::ptrdiff_t>(at), kept.end());
  return ir::Type::tensor(input->dtype(), out);
}

}  // namespace

ShapeRule concatenated() {
  return [](const OpOperands& ops, size_t) { return joined(ops, false); };
}

ShapeRule stacked() {
  return [](const OpOperands& ops, size_t) { return joined(ops, true); };
}

ShapeRule advancedIndexing() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input, const Shape&) {
    return advancedIndex(input, ops);
  });
}

ShapeRule unsqueezed() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto dim = constantInt(ops, 1);
    if (!dim) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size() + 1);
    if (!axis) return std::nullopt;
    shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(*axis), 1);
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule transposed() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto a = constantInt(ops, 1), b = constantInt(ops, 2);
    if (!a || !b) return std::nullopt;
    auto x = normalizeDim(*a, shape.size()), y = normalizeDim(*b, shape.size());
    if (!x || !y) return std::nullopt;
    std::swap(shape[*x], shape[*y]);
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule permuted() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    if (!(ops.constants.size() > 1 && ops.constants[1] && ops.constants[1]->isList()))
      return std::nullopt;
    Shape out;
    for (const IValue& d : ops.constants[1]->items()) {
      auto axis = d.isInt() ? normalizeDim(d.toInt(), shape.size()) : std::nullopt;
      if (!axis) return std::nullopt;
      out.push_back(shape[*axis]);
    }
    return ir::Type::tensor(input->dtype(), out);
  });
}

ShapeRule movedDim() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto from = constantInt(ops, 1), to = constantInt(ops, 2);
    if (!from || !to) return std::nullopt;
    auto source = normalizeDim(*from, shape.size()), target = normalizeDim(*to, shape.size());
    if (!source || !target) return std::nullopt;
    int64_t moved = shape[*source];
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(*source));
    shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(*target), moved);
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule reshaped() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    if (!(ops.constants.size() > 1 && ops.constants[1] && ops.constants[1]->isList()))
      return std::nullopt;
    Shape target;
    int64_t inferred = -1, known = 1;
    for (const IValue& item : ops.constants[1]->items()) {
      if (!item.isInt()) return std::nullopt;
      target.push_back(item.toInt());
      if (item.toInt() == -1) {
        inferred = static_cast<int64_t>(target.size()) - 1;
      } else {
        known *= item.toInt();
      }
    }
    int64_t total = shapeNumel(shape);
    bool totalKnown = std::none_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; });
    if (inferred >= 0 && totalKnown && known > 0)
      target[static_cast<size_t>(inferred)] = total / known;
    return ir::Type::tensor(input->dtype(), target);
  });
}

ShapeRule selected() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto dim = constantInt(ops, 1);
    if (!dim) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(*axis));
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule sliced() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    if (ops.types.size() < 2) return std::nullopt;
    auto dim = constantInt(ops, 1);
    if (!dim) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    int64_t size = shape[*axis];
    auto start = ops.types.size() > 2 ? constantInt(ops, 2) : std::optional<int64_t>(0);
    auto end = ops.types.size() > 3 ? constantInt(ops, 3)
                                    : std::optional<int64_t>(std::numeric_limits<int64_t>::max());
    bool startNone = ops.types.size() > 2 && ops.constants[2] && ops.constants[2]->isNone();
    bool endNone = ops.types.size() > 3 && ops.constants[3] && ops.constants[3]->isNone();
    if (startNone) start = 0;
    if (endNone) end = std::numeric_limits<int64_t>::max();
    auto step = ops.types.size() > 4 ? constantInt(ops, 4) : std::optional<int64_t>(1);
    if (!start || !end || !step || *step <= 0 || size < 0) {
      shape[*axis] = -1;
      return ir::Type::tensor(input->dtype(), shape);
    }
    auto clampIndex = [size](int64_t k) {
      if (k < 0) k += size;
      return std::clamp<int64_t>(k, 0, size);
    };
    int64_t b = clampIndex(*start), e = clampIndex(*end);
    shape[*axis] = e > b ? (e - b + *step - 1) / *step : 0;
    return ir::Type::tensor(input->dtype(), shape);
  });
}

}  // namespace ts2coreml::passes::rules
