#include "passes/shape_rules_conversion.h"

namespace ts2coreml::passes {

namespace {

// The ScalarType argument of an aten::to overload: to.dtype(self, dtype, ...),
// to.device(self, device, dtype, ...), to.dtype_layout(self, dtype?, layout?, device?, ...).
std::optional<DType> targetDType(const OpOperands& ops) {
  for (size_t i = 1; i < ops.types.size() && i <= 2; ++i) {
    if (ops.types[i]->kind() == ir::TypeKind::Device) continue;
    if (ops.types[i]->isTensor()) return ops.types[i]->dtype();  // to.other / type_as
    const auto& value = ops.constants[i];
    if (value && value->isInt()) return dtypeFromTorchScalarType(value->toInt());
    if (value && value->isNone()) return ops.types[0]->dtype();
  }
  return std::nullopt;
}

}  // namespace

namespace rules {

ShapeRule converted() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    auto dtype = targetDType(ops);
    if (!dtype) return std::nullopt;
    return ir::Type::tensor(*dtype, input->shape());
  };
}

}  // namespace rules

std::optional<ir::TypePtr> inferConversionType(const std::string& kind, const OpOperands& ops) {
  const ir::TypePtr& input = ops.types.at(0);
  if (!input->isTensor()) return std::nullopt;
  // max(self)/min(self) reduce the whole tensor; max(self, other) is elementwise.
  if ((kind == "aten::max" || kind == "aten::min") && ops.types.size() == 1) {
    return ir::Type::tensor(input->dtype(), Shape{});
  }
  if ((kind == "aten::max" || kind == "aten::min") && ops.types.size() == 2 &&
      ops.types[1]->isTensor()) {
    auto a = input->shape(), b = ops.types[1]->shape();
    std::optional<Shape> shape;
    if (a && b) shape = broadcastShapes(*a, *b);
    return ir::Type::tensor(input->dtype(), shape);
  }
  return std::nullopt;
}

}  // namespace ts2coreml::passes
