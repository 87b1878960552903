// Whether a value of some IR type may be passed for a schema argument, and with which implicit
// conversion: the rules of torch's schema matching (tryConvertToType / isSubtypeOf), checked
// against torch 2.13 (see tests/unit/torchscript/schema_binding_test.cc).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ir/type.h"
#include "torchscript/schema/schema.h"

namespace ts2coreml::torchscript::schema {

enum class Conversion {
  None,
  BroadcastIntList,  // int -> int[N] (prim::ListConstruct of N copies)
  TupleToList,       // homogeneous tuple -> list
  StrToDevice,       // aten::device(str)
  // Only in the second pass (allow_conversions):
  IntImplicit,     // Tensor -> int
  FloatImplicit,   // Tensor -> float
  ScalarImplicit,  // Tensor -> Scalar
  ToInt,           // Scalar or bool -> int (aten::Int)
  ToFloat,         // Scalar or bool -> float (aten::Float)
};

using TypeBindings = std::map<std::string, ir::TypePtr>;

// How `value` can be passed for `arg`, or nullopt. Binds type variables into `bindings` (only
// on success).
std::optional<Conversion> matchArgument(const ir::TypePtr& value, const Argument& arg,
                                        bool allowConversions, TypeBindings& bindings);

// The op that performs a conversion ("aten::IntImplicit"), empty for structural ones.
std::string conversionOp(Conversion conversion);

}  // namespace ts2coreml::torchscript::schema
