// Output tensor types (dtype and shape) of aten ops from their input types and constant
// arguments. Shapes known here let `x.size(1)`, `x.dim()` and shape-dependent `if`s fold, and give
// the backends static shapes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "ir/type.h"

namespace ts2coreml::passes {

struct OpOperands {
  std::vector<ir::TypePtr> types;                // one per input
  std::vector<std::optional<IValue>> constants;  // the input's value when it is a constant
  // The item types of the first input that is a list built by prim::ListConstruct (the
  // Tensor[] of cat and stack, einsum's operands), empty otherwise.
  std::vector<ir::TypePtr> listItems;
};

// The refined type of output `index` of `kind`, or nullopt when this op has no rule (the caller
// keeps the schema's declared type).
std::optional<ir::TypePtr> inferTensorType(const std::string& kind, const OpOperands& operands,
                                           size_t index = 0);

// torch's result dtype of an op on a and b (tensors or Python numbers): the highest category
// (bool < integer < floating point) decides; within it, tensors with dimensions come before
// zero-dimensional ones, which come before numbers (a number's category gives the default dtype,
// int64 or float32). nullopt when a dtype is unknown.
std::optional<DType> promoteTypes(const ir::TypePtr& a, const ir::TypePtr& b);

// numpy/torch broadcasting of two shapes; nullopt when they are incompatible or unknown.
std::optional<Shape> broadcastShapes(const Shape& a, const Shape& b);

}  // namespace ts2coreml::passes
