#include "torchscript/schema/type_match.h"

namespace ts2coreml::torchscript::schema {
namespace {

using ir::TypeKind;
using ir::TypePtr;

// isSubtypeOf with type-variable binding. Containers are invariant as in torch (List[int] does
// not pass for List[float], List[Tensor] not for Tensor?[]), except that a list whose element
// type is unknown (an empty literal) passes for any list.
bool isSubtype(const TypePtr& value, const TypePtr& pattern, TypeBindings& bindings) {
  std::string var = typeVariableName(pattern);
  if (!var.empty()) {
    auto it = bindings.find(var);
    if (it == bindings.end()) {
      bindings[var] = value;
      return true;
    }
    if (it->second->kind() == TypeKind::Any) {
      it->second = value;
      return true;
    }
    return value->kind() == TypeKind::Any || isSubtype(value, it->second, bindings);
  }
  switch (pattern->kind()) {
    case TypeKind::Any:
      return true;
    case TypeKind::Optional:
      if (value->kind() == TypeKind::None) return true;
      if (value->kind() == TypeKind::Optional)
        return isSubtype(value->element(), pattern->element(), bindings);
      return isSubtype(value, pattern->element(), bindings);
    case TypeKind::Number:
      return value->kind() == TypeKind::Int || value->kind() == TypeKind::Float ||
             value->kind() == TypeKind::Number;
    case TypeKind::List: {
      if (value->kind() != TypeKind::List) return false;
      const TypePtr& element = value->element();
      if (element->kind() == TypeKind::Any) return true;
      const TypePtr& expected = pattern->element();
      if (!typeVariableName(expected).empty() || expected->kind() == TypeKind::Any)
        return isSubtype(element, expected, bindings);
      TypeBindings scratch = bindings;
      return isSubtype(element, expected, scratch) && isSubtype(expected, element, scratch) &&
             (bindings = scratch, true);
    }
    case TypeKind::Tuple: {
      if (value->kind() != TypeKind::Tuple) return false;
      if (value->elements().size() != pattern->elements().size()) return false;
      for (size_t i = 0; i < value->elements().size(); ++i) {
        if (!isSubtype(value->elements()[i], pattern->elements()[i], bindings)) return false;
      }
      return true;
    }
    case TypeKind::Dict:
      return value->kind() == TypeKind::Dict &&
             isSubtype(value->elements()[0], pattern->elements()[0], bindings) &&
             isSubtype(value->elements()[1], pattern->elements()[1], bindings);
    case TypeKind::Class:
      return value->kind() == TypeKind::Class && value->className() == pattern->className();
    default:  // Tensor, Int, Float, Bool, Str, None, Device
      return value->kind() == pattern->kind();
  }
}

const TypePtr& unwrapOptional(const TypePtr& type) {
  return type->kind() == TypeKind::Optional ? type->element() : type;
}

}  // namespace

std::optional<Conversion> matchArgument(const TypePtr& value, const Argument& arg,
                                        bool allowConversions, TypeBindings& bindings) {
  TypeBindings trial = bindings;
  if (isSubtype(value, arg.typeWithVars, trial)) {
    bindings = std::move(trial);
    return Conversion::None;
  }
  const TypePtr& target = unwrapOptional(arg.typeWithVars);
  TypeKind want = target->kind();
  TypeKind have = value->kind();
  // Conversions torch applies in both passes.
  if (want == TypeKind::List && arg.fixedListSize > 0 && have == TypeKind::Int &&
      target->element()->kind() == TypeKind::Int)
    return Conversion::BroadcastIntList;
  if (want == TypeKind::List && have == TypeKind::Tuple) {
    trial = bindings;
    for (const TypePtr& element : value->elements()) {
      if (!isSubtype(element, target->element(), trial)) return std::nullopt;
    }
    bindings = std::move(trial);
    return Conversion::TupleToList;
  }
  if (!allowConversions) return std::nullopt;
  // Only with conversions: otherwise `torch.eq(s, "relu")` on strings would pick eq.device.
  if (want == TypeKind::Device && have == TypeKind::Str) return Conversion::StrToDevice;
  if (have == TypeKind::Tensor) {
    if (want == TypeKind::Int) return Conversion::IntImplicit;
    if (want == TypeKind::Float) return Conversion::FloatImplicit;
    if (want == TypeKind::Number) return Conversion::ScalarImplicit;
  } else if (have == TypeKind::Number) {
    if (want == TypeKind::Int) return Conversion::ToInt;
    if (want == TypeKind::Float) return Conversion::ToFloat;
  } else if (have == TypeKind::Bool) {
    if (want == TypeKind::Float) return Conversion::ToFloat;
    if (want == TypeKind::Int || want == TypeKind::Number) return Conversion::ToInt;
  } else if (have == TypeKind::Any) {
    // Our compiler types some values loosely (torch never would); trust the schema then.
    return Conversion::None;
  }
  return std::nullopt;
}

std::string conversionOp(Conversion conversion) {
  switch (conversion) {
    case Conversion::StrToDevice:
      return "aten::device";
    case Conversion::IntImplicit:
      return "aten::IntImplicit";
    case Conversion::FloatImplicit:
      return "aten::FloatImplicit";
    case Conversion::ScalarImplicit:
      return "aten::ScalarImplicit";
    case Conversion::ToInt:
      return "aten::Int";
    case Conversion::ToFloat:
      return "aten::Float";
    default:
      return {};
  }
}

}  // namespace ts2coreml::torchscript::schema
