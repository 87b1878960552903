#include "ir/type.h"

namespace ts2coreml::ir {

// Types are small immutable values; builders below create fresh instances.
#define TS2C_SIMPLE_TYPE(fn, kindValue)         \
  TypePtr Type::fn() {                          \
    static const TypePtr instance = [] {        \
      auto t = std::shared_ptr<Type>(new Type); \
      t->kind_ = kindValue;                     \
      return t;                                 \
    }();                                        \
    return instance;                            \
  }
TS2C_SIMPLE_TYPE(intType, TypeKind::Int)
TS2C_SIMPLE_TYPE(floatType, TypeKind::Float)
TS2C_SIMPLE_TYPE(boolType, TypeKind::Bool)
TS2C_SIMPLE_TYPE(strType, TypeKind::Str)
TS2C_SIMPLE_TYPE(noneType, TypeKind::None)
TS2C_SIMPLE_TYPE(deviceType, TypeKind::Device)
TS2C_SIMPLE_TYPE(numberType, TypeKind::Number)
TS2C_SIMPLE_TYPE(anyType, TypeKind::Any)
#undef TS2C_SIMPLE_TYPE

TypePtr Type::tensor(std::optional<DType> dtype, std::optional<Shape> shape) {
  auto t = std::shared_ptr<Type>(new Type);
  t->kind_ = TypeKind::Tensor;
  t->dtype_ = dtype;
  t->shape_ = std::move(shape);
  return t;
}

TypePtr Type::list(TypePtr element) {
  auto t = std::shared_ptr<Type>(new Type);
  t->kind_ = TypeKind::List;
  t->elements_ = {std::move(element)};
  return t;
}

TypePtr Type::tuple(std::vector<TypePtr> elements) {
  auto t = std::shared_ptr<Type>(new Type);
  t->kind_ = TypeKind::Tuple;
  t->elements_ = std::move(elements);
  return t;
}

TypePtr Type::optional(TypePtr element) {
  auto t = std::shared_ptr<Type>(new Type);
  t->kind_ = TypeKind::Optional;
  t->elements_ = {std::move(element)};
  return t;
}

TypePtr Type::dict(TypePtr key, TypePtr value) {
  auto t = std::shared_ptr<Type>(new Type);
  t->kind_ = TypeKind::Dict;
  t->elements_ = {std::move(key), std::move(value)};
  return t;
}

TypePtr Type::classType(std::string qualifiedName) {
  auto t = std::shared_ptr<Type>(new Type);
  t->kind_ = TypeKind::Class;
  t->className_ = std::move(qualifiedName);
  return t;
}

std::string Type::str() const {
  switch (kind_) {
    case TypeKind::Tensor: {
      if (!dtype_ && !shape_) return "Tensor";
      std::string text = "Tensor<";
      text += dtype_ ? std::string(dtypeName(*dtype_)) : "?";
      if (shape_) text += " " + shapeToString(*shape_);
      return text + ">";
    }
    case TypeKind::Int:
      return "int";
    case TypeKind::Float:
      return "float";
    case TypeKind::Bool:
      return "bool";
    case TypeKind::Str:
      return "str";
    case TypeKind::None:
      return "NoneType";
    case TypeKind::Device:
      return "Device";
    case TypeKind::Number:
      return "Scalar";
    case TypeKind::Any:
      return "Any";
    case TypeKind::List:
      return "List[" + elements_[0]->str() + "]";
    case TypeKind::Optional:
      return "Optional[" + elements_[0]->str() + "]";
    case TypeKind::Dict:
      return "Dict[" + elements_[0]->str() + ", " + elements_[1]->str() + "]";
    case TypeKind::Tuple: {
      std::string text = "Tuple[";
      for (size_t i = 0; i < elements_.size(); ++i) {
        if (i) text += ", ";
        text += elements_[i]->str();
      }
      return text + "]";
    }
    case TypeKind::Class:
      return className_;
  }
  return "?";
}

bool Type::operator==(const Type& other) const {
  if (kind_ != other.kind_ || dtype_ != other.dtype_ || shape_ != other.shape_ ||
      className_ != other.className_ || elements_.size() != other.elements_.size()) {
    return false;
  }
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (!(*elements_[i] == *other.elements_[i])) return false;
  }
  return true;
}

}  // namespace ts2coreml::ir
