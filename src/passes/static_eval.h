// Evaluation of TorchScript's non-tensor ops on compile-time values: int/float/bool/str
// arithmetic and comparisons, None checks, list/tuple/dict access. Used while compiling (to fold
// as code is emitted) and by the constant propagation pass.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "ir/type.h"

namespace ts2coreml::passes {

// The result of `kind(args...)` when it can be computed without tensors; nullopt otherwise.
// Throws Error for a definite runtime error (e.g. integer division by zero, index out of range).
std::optional<IValue> evaluateScalarOp(const std::string& kind, const std::vector<IValue>& args);

// Static facts about tensors from their types: aten::dim, aten::size, aten::len on tensors,
// prim::dtype, aten::is_floating_point. `args` holds known constants (None when unknown).
std::optional<IValue> evaluateTensorQuery(const std::string& kind,
                                          const std::vector<ir::TypePtr>& types,
                                          const std::vector<std::optional<IValue>>& args);

// The IR type of a compile-time value.
ir::TypePtr typeOfValue(const IValue& value);

}  // namespace ts2coreml::passes
