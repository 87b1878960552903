#include "passes/shape_rules_creation.h"

namespace ts2coreml::passes::rules {

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

// A run-time number (a loop counter, an int computed from a tensor) gives a scalar of the
// number's dtype unless dtype is given.
ShapeRule scalarTensor() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (ops.types.empty()) return std::nullopt;
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
  };
}

ShapeRule sized(bool fillValue) {
  return [fillValue](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    auto shape = sizeArgument(ops);
    size_t dtypeIndex = fillValue ? 2 : 1;
    DType fallback = DType::Float32;
    if (fillValue && ops.constants.size() > 1 && ops.constants[1]) {
      if (ops.constants[1]->isInt()) fallback = DType::Int64;
      if (ops.constants[1]->isBool()) fallback = DType::Bool;
    }
    auto dtype = dtypeArgument(ops, dtypeIndex, fallback);
    return ir::Type::tensor(dtype, shape);
  };
}

ShapeRule sizedLike(bool fillValue) {
  return [fillValue](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    size_t dtypeIndex = fillValue ? 2 : 1;
    auto dtype = dtypeArgument(ops, dtypeIndex, input->dtype().value_or(DType::Float32));
    return ir::Type::tensor(dtype ? dtype : input->dtype(), input->shape());
  };
}

}  // namespace ts2coreml::passes::rules
