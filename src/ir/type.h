// Types of IR values. One type system serves the TorchScript level (int, List[int], Optional[T],
// module classes) and the MIL level (tensors with dtype and shape, scalars are rank-0 tensors).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"

namespace ts2coreml::ir {

class Type;
using TypePtr = std::shared_ptr<const Type>;

enum class TypeKind {
  Tensor,
  Int,
  Float,
  Bool,
  Str,
  None,
  Device,
  Number,  // TorchScript `Scalar`/`number`: an int or a float not known statically
  List,
  Tuple,
  Optional,
  Dict,
  Class,  // a module or script class, by qualified name
  Any,
};

class Type {
 public:
  // Tensor with optional dtype and optional shape (dims of -1 are unknown).
  static TypePtr tensor(std::optional<DType> dtype = std::nullopt,
                        std::optional<Shape> shape = std::nullopt);
  static TypePtr intType();
  static TypePtr floatType();
  static TypePtr boolType();
  static TypePtr strType();
  static TypePtr noneType();
  static TypePtr deviceType();
  static TypePtr numberType();
  static TypePtr anyType();
  static TypePtr list(TypePtr element);
  static TypePtr tuple(std::vector<TypePtr> elements);
  static TypePtr optional(TypePtr element);
  static TypePtr dict(TypePtr key, TypePtr value);
  static TypePtr classType(std::string qualifiedName);

  TypeKind kind() const { return kind_; }
  bool isTensor() const { return kind_ == TypeKind::Tensor; }
  const std::optional<DType>& dtype() const { return dtype_; }
  const std::optional<Shape>& shape() const { return shape_; }
  const std::vector<TypePtr>& elements() const { return elements_; }
  const TypePtr& element() const { return elements_.at(0); }  // List / Optional element
  const std::string& className() const { return className_; }

  // TorchScript spelling: "Tensor", "List[int]", "Optional[Tensor]", "__torch__.Foo"; tensors
  // with known facts print as "Tensor<float32 1x3x64x64>".
  std::string str() const;
  bool operator==(const Type& other) const;

 private:
  TypeKind kind_ = TypeKind::Any;
  std::optional<DType> dtype_;
  std::optional<Shape> shape_;
  std::vector<TypePtr> elements_;
  std::string className_;
};

inline bool sameType(const TypePtr& a, const TypePtr& b) {
  return *a == *b;
}

}  // namespace ts2coreml::ir
