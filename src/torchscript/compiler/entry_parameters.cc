#include "torchscript/compiler/entry_parameters.h"

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

const ir::TypePtr& withoutOptional(const ir::TypePtr& type) {
  return type->kind() == ir::TypeKind::Optional ? type->element() : type;
}

}  // namespace

bool isScalarParameter(const ir::TypePtr& type) {
  const ir::TypeKind kind = withoutOptional(type)->kind();
  return kind == ir::TypeKind::Int || kind == ir::TypeKind::Float || kind == ir::TypeKind::Bool;
}

bool acceptsTensor(const ir::TypePtr& type) {
  return withoutOptional(type)->isTensor();
}

std::string describeConstant(const ConstantValue& value) {
  struct Describe {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return IValue(d).repr(); }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
  };
  return std::visit(Describe{}, value);
}

IValue constantForParameter(const ConstantValue& value, const ir::TypePtr& type,
                            const std::string& param) {
  auto mismatch = [&]() -> IValue {
    throw Error("--input " + param + "=" + describeConstant(value) + ": parameter '" + param +
                "' is " + type->str() +
                (acceptsTensor(type)
                     ? " (a tensor: give its shape, e.g. --input " + param + ":1x3x224x224)"
                     : ""));
  };
  const ir::TypePtr& wanted = withoutOptional(type);
  if (std::holds_alternative<std::monostate>(value)) {
    if (type->kind() == ir::TypeKind::Optional || wanted->kind() == ir::TypeKind::None)
      return IValue();
    return mismatch();
  }
  switch (wanted->kind()) {
    case ir::TypeKind::Int:
      if (auto* i = std::get_if<int64_t>(&value)) return IValue(*i);
      return mismatch();
    case ir::TypeKind::Float:
      if (auto* i = std::get_if<int64_t>(&value)) return IValue(static_cast<double>(*i));
      if (auto* d = std::get_if<double>(&value)) return IValue(*d);
      return mismatch();
    case ir::TypeKind::Number:
    case ir::TypeKind::Any:
      if (auto* i = std::get_if<int64_t>(&value)) return IValue(*i);
      if (auto* d = std::get_if<double>(&value)) return IValue(*d);
      if (auto* b = std::get_if<bool>(&value); b && wanted->kind() == ir::TypeKind::Any)
        return IValue(*b);
      if (auto* s = std::get_if<std::string>(&value); s && wanted->kind() == ir::TypeKind::Any)
        return IValue(*s);
      return mismatch();
    case ir::TypeKind::Bool:
      if (auto* b = std::get_if<bool>(&value)) return IValue(*b);
      return mismatch();
    case ir::TypeKind::Str:
      if (auto* s = std::get_if<std::string>(&value)) return IValue(*s);
      return mismatch();
    default:
      return mismatch();
  }
}

SValue ModuleCompiler::emitScalarInput(const InputSpec& spec, const ir::TypePtr& type,
                                       const std::string& featureName, const std::string& param) {
  if (spec.isFlexible() || spec.image) {
    throw Error("--input '" + param + "': a run-time " + type->str() +
                " parameter is one value; its shape cannot be flexible or an image");
  }
  for (int64_t dim : spec.shape) {
    if (dim != 1) {
      throw Error("--input '" + param + "': a run-time " + type->str() +
                  " parameter is one value: give shape 1 (--input " + param +
                  ":1), or fix it with --input " + param + "=VALUE");
    }
  }
  const ir::TypeKind kind = withoutOptional(type)->kind();
  DType dtype = DType::Float32;
  std::string conversion = "aten::Float";
  if (kind == ir::TypeKind::Int) {
    dtype = spec.dtype == DType::Int64 ? DType::Int64 : DType::Int32;
    conversion = "aten::Int";
  } else if (kind == ir::TypeKind::Bool) {
    dtype = DType::Int32;  // Core ML model inputs hold no bools: 0 is False, anything else True
    conversion = "aten::Bool";
  } else if (spec.dtype == DType::Float16) {
    dtype = DType::Float16;
  }
  Shape shape = spec.shape.empty() ? Shape{1} : spec.shape;
  ir::Value* input = emitter_.graph().addInput(ir::Type::tensor(dtype, shape), featureName);
  return emitOperator(conversion, CallArguments{{SugaredValue::ofValue(input)}, {}}, nullptr);
}

}  // namespace ts2coreml::torchscript
