// Small helpers shared by the shape_rules_*.cc files: reading constant arguments and the common
// result shapes (reductions, broadcasting of several operands).
#pragma once

#include <optional>
#include <vector>

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

inline const std::optional<IValue>& constantAt(const OpOperands& ops, size_t i) {
  static const std::optional<IValue> none;
  return i < ops.constants.size() ? ops.constants[i] : none;
}

inline std::optional<int64_t> intAt(const OpOperands& ops, size_t i) {
  const auto& v = constantAt(ops, i);
  if (!v || !v->isInt()) return std::nullopt;
  return v->toInt();
}

inline std::optional<double> numberAt(const OpOperands& ops, size_t i) {
  const auto& v = constantAt(ops, i);
  if (!v || !(v->isInt() || v->isDouble() || v->isBool())) return std::nullopt;
  return v->toNumber();
}

inline bool boolAt(const OpOperands& ops, size_t i, bool fallback = false) {
  const auto& v = constantAt(ops, i);
  if (!v || !(v->isBool() || v->isInt())) return fallback;
  return v->isBool() ? v->toBool() : v->toInt() != 0;
}

inline bool isNoneAt(const OpOperands& ops, size_t i) {
  const auto& v = constantAt(ops, i);
  return i >= ops.types.size() || (v && v->isNone());
}

// An int or an int list argument.
inline std::optional<std::vector<int64_t>> intsAt(const OpOperands& ops, size_t i) {
  const auto& v = constantAt(ops, i);
  if (!v) return std::nullopt;
  if (v->isInt()) return std::vector<int64_t>{v->toInt()};
  if (!v->isList() && !v->isTuple()) return std::nullopt;
  std::vector<int64_t> out;
  for (const IValue& item : v->items()) {
    if (!item.isInt()) return std::nullopt;
    out.push_back(item.toInt());
  }
  return out;
}

inline std::optional<size_t> normalizeDim(int64_t dim, size_t rank) {
  int64_t r = static_cast<int64_t>(rank);
  if (dim < 0) dim += r;
  if (dim < 0 || dim >= r) return std::nullopt;
  return static_cast<size_t>(dim);
}

inline std::optional<Shape> shapeAt(const OpOperands& ops, size_t i) {
  if (i >= ops.types.size()) return std::nullopt;
  if (!ops.types[i]->isTensor()) return Shape{};
  return ops.types[i]->shape();
}

// The shape after reducing `dims` (all dims when nullopt or empty), keeping them as 1 or not.
inline std::optional<Shape> reducedShape(const Shape& shape,
                                         const std::optional<std::vector<int64_t>>& dims,
                                         bool keep) {
  std::vector<bool> reduced(shape.size(), !dims || dims->empty());
  if (dims) {
    for (int64_t d : *dims) {
      auto axis = normalizeDim(d, shape.size());
      if (!axis) return std::nullopt;
      reduced[*axis] = true;
    }
  }
  Shape out;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!reduced[i]) {
      out.push_back(shape[i]);
    } else if (keep) {
      out.push_back(1);
    }
  }
  return out;
}

// Broadcast shape of the operands at `indices` (scalars count as rank 0).
inline std::optional<Shape> broadcastAll(const OpOperands& ops, std::vector<size_t> indices) {
  Shape out;
  for (size_t i : indices) {
    auto s = shapeAt(ops, i);
    if (!s) return std::nullopt;
    auto b = broadcastShapes(out, *s);
    if (!b) return std::nullopt;
    out = *b;
  }
  return out;
}

// A rule for an op whose first operand must be a tensor of known shape: `rule(ops, input, shape)`
// with a copy of the shape to edit. Any other first operand gives no type (inferTensorType's
// fallback then applies).
template <typename Rule>
ShapeRule whenShaped(Rule rule) {
  return [rule = std::move(rule)](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor() || !input->shape()) return std::nullopt;
    return rule(ops, input, *input->shape());
  };
}

}  // namespace ts2coreml::passes::rules
