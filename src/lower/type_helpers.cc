// Dtype helpers shared by the op families.
#include "core/error.h"
#include "lower/op_families.h"

namespace ts2coreml::lower {

DType dtypeOf(const ir::Value* milValue) {
  const auto& type = milValue->type();
  if (!type->isTensor() || !type->dtype()) throw Error("internal: MIL value without a dtype");
  return *type->dtype();
}

DType promotedDType(const ir::Value* a, const ir::Value* b) {
  DType x = dtypeOf(a), y = dtypeOf(b);
  if (x == y) return x;
  if (isFloatingPoint(x) || isFloatingPoint(y)) {
    if (x == DType::Float32 || y == DType::Float32) return DType::Float32;
    return isFloatingPoint(x) ? x : y;
  }
  if (x == DType::Int32 || y == DType::Int32) return DType::Int32;
  return x;
}

std::string milDTypeString(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "fp32";
    case DType::Float16:
      return "fp16";
    case DType::Int32:
      return "int32";
    case DType::Bool:
      return "bool";
    default:
      throw Error("Core ML has no cast to " + std::string(dtypeName(dtype)));
  }
}

ir::Value* castTo(LoweringContext& ctx, ir::Value* value, DType dtype) {
  if (dtypeOf(value) == dtype) return value;
  const ir::Node* producer = value->producer();
  if (producer && producer->kind() == "mil.const" && producer->attribute("val").isTensor()) {
    return ctx.builder().constTensor(producer->attribute("val").toTensor().to(dtype));
  }
  return ctx.builder().op1(
      "cast", {{"x", value}, {"dtype", ctx.builder().constString(milDTypeString(dtype))}},
      ir::Type::tensor(dtype, value->type()->shape()));
}

void requireStaticTrailingDims(LoweringContext& ctx, const ir::Node& node, const ir::Value* x,
                               size_t count, const std::string& what) {
  const auto& shape = x->type()->shape();
  bool known = shape && shape->size() >= count;
  for (size_t i = 0; known && i < count; ++i) known = (*shape)[shape->size() - 1 - i] >= 0;
  if (!known)
    ctx.fail(node, what + " needs the input's last " + std::to_string(count) +
                       " dimensions at conversion time, but they depend on a flexible input "
                       "shape; give that input a fixed shape");
}

}  // namespace ts2coreml::lower
