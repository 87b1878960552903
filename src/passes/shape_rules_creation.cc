#include "passes/shape_rules_creation.h"

namespace ts2coreml::passes {

namespace {

// The dtype argument (a ScalarType code, or None for the default) at `index`.
std::optional<DType> dtypeArgument(const OpOperands& ops, size_t index, DType fallback) {
  if (index >= ops.constants.size() || !ops.constants[index]) return std::nullopt;
  const IValue& value = *ops.constants[index];
  if (value.isNone()) return fallback;
  if (value.isInt()) return dtypeFromTorchScalarType(value.toInt());
  return std::nullopt;
}

std::optional<Shape> sizeArgument(const OpOperands& ops) {
  if (ops.constants.empty() || !ops.constants[0] || !ops.constants[0]->isList())
    return std::nullopt;
  Shape shape;
  for (const IValue& item : ops.constants[0]->items()) {
    if (!item.isInt()) return std::nullopt;
    shape.push_back(item.toInt());
  }
  return shape;
}

}  // namespace

std::optional<ir::TypePtr> inferCreationType(const std::string& kind, const OpOperands& ops) {
  // tensor(t, dtype, device, requires_grad) of a number known only at run time (a loop counter,
  // an int computed from a tensor): a scalar of the number's dtype unless dtype is given.
  if (kind == "aten::tensor" && !ops.types.empty()) {
    const ir::TypeKind number = ops.types[0]->kind();
    if (number != ir::TypeKind::Int && number != ir::TypeKind::Float &&
        number != ir::TypeKind::Bool)
      return std::nullopt;
    DType fallback = number == ir::TypeKind::Int     ? DType::Int64
                     : number == ir::TypeKind::Float ? DType::Float32
                                                     : DType::Bool;
    auto dtype = ops.types.size() > 1 ? dtypeArgument(ops, 1, fallback) : fallback;
    if (!dtype) return std::nullopt;
    return ir::Type::tensor(*dtype, Shape{});
  }
  // zeros/ones/empty(size, dtype, layout, device, pin_memory); full(size, fill_value, dtype, ...).
  if (kind == "aten::zeros" || kind == "aten::ones" || kind == "aten::empty" ||
      kind == "aten::full") {
    auto shape = sizeArgument(ops);
    size_t dtypeIndex = kind == "aten::full" ? 2 : 1;
    DType fallback = DType::Float32;
    if (kind == "aten::full" && ops.constants.size() > 1 && ops.constants[1]) {
      if (ops.constants[1]->isInt()) fallback = DType::Int64;
      if (ops.constants[1]->isBool()) fallback = DType::Bool;
    }
    auto dtype = dtypeArgument(ops, dtypeIndex, fallback);
    return ir::Type::tensor(dtype, shape);
  }
  // zeros_like/ones_like/empty_like(self, dtype, ...); full_like(self, fill_value, dtype, ...).
  if (kind == "aten::zeros_like" || kind == "aten::ones_like" || kind == "aten::empty_like" ||
      kind == "aten::full_like") {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    size_t dtypeIndex = kind == "aten::full_like" ? 2 : 1;
    auto dtype = dtypeArgument(ops, dtypeIndex, input->dtype().value_or(DType::Float32));
    return ir::Type::tensor(dtype ? dtype : input->dtype(), input->shape());
  }
  return std::nullopt;
}

}  // namespace ts2coreml::passes
