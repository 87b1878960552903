// Output tensor types (dtype and shape) of aten ops from their input types and constant
// arguments. Shapes known here let `x.size(1)`, `x.dim()` and shape-dependent `if`s fold, and give
// the backends static shapes.
#pragma once

#include <functional>
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

// The refined type of result `index` of an op, or nullopt (the caller keeps the schema's
// declared type). An op's rule is declared in its row of the op table (lower/aten_op_table.h).
using ShapeRule = std::function<std::optional<ir::TypePtr>(const OpOperands&, size_t index)>;

// The refined type of output `index` of `kind`, after the operand checks (shape_checks.h): what
// the op's rule (`rule`, from its op-table row, lower/aten_op_table.h) gives, else the dtype of a
// first operand that is a tensor of unknown shape; nullopt otherwise (the caller keeps the
// schema's declared type).
std::optional<ir::TypePtr> inferTensorType(const std::string& kind, const OpOperands& operands,
                                           size_t index = 0, const ShapeRule* rule = nullptr);

// torch's result dtype of an op on a and b (tensors or Python numbers): the highest category
// (bool < integer < floating point) decides; within it, tensors with dimensions come before
// zero-dimensional ones, which come before numbers (a number's category gives the default dtype,
// int64 or float32). nullopt when a dtype is unknown.
std::optional<DType> promoteTypes(const ir::TypePtr& a, const ir::TypePtr& b);

// numpy/torch broadcasting of two shapes; nullopt when they are incompatible or unknown.
std::optional<Shape> broadcastShapes(const Shape& a, const Shape& b);

}  // namespace ts2coreml::passes
