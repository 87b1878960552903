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

}  // namespace ts2coreml::passes
