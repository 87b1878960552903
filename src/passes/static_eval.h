// Evaluation of TorchScript's non-tensor ops on compile-time values: int/float/bool/str
// arithmetic and comparisons, None checks, list/tuple/dict access. Used while compiling (to fold
// as code is emitted) and by the constant propagation pass.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "ir/type.h"

namespace ts2coreml::passes {

// An op's evaluation on compile-time values: its result, or nullopt when it cannot be computed
// at conversion time. Throws Error for a definite runtime error (integer division by zero, an
// index out of range). An op's fold is declared in its row of the op table
// (lower/aten_op_table.h), from the builders below.
using FoldFn = std::function<std::optional<IValue>(const std::vector<IValue>&)>;

// The result of `kind(args...)` (every argument known) when it can be computed without tensor
// kernels: the op's `fold` when it has one, else the inference facts, string methods and small
// tensor literals; nullopt otherwise.
std::optional<IValue> evaluateScalarOp(const std::string& kind, const std::vector<IValue>& args,
                                       const FoldFn* fold = nullptr);

// Python's semantics of TorchScript's builtins on numbers, strings and containers.
namespace folds {
// a + b of numbers; also concatenates two strings or two lists.
FoldFn addition();
enum class Arithmetic { Subtract, Multiply, TrueDivide, FloorDivide, Remainder, Power };
// On numbers: ints stay ints (floor division and remainder as Python's), floats otherwise.
FoldFn arithmetic(Arithmetic op);
// min/max of two numbers or of a non-empty number list.
FoldFn extremum(bool largest);
enum class Ordering { Less, LessEqual, Greater, GreaterEqual };
FoldFn ordering(Ordering op);      // numbers (ints compared exactly) or strings
FoldFn equality(bool negate);      // ==, or != when negate
FoldFn negation();                 // -x
FoldFn logicalNot();               // not b
FoldFn bitwise(bool conjunction);  // & (or |) of bools or ints
FoldFn identity(bool negate);      // `is` (or `is not`), decidable against None
FoldFn length();                   // len of a list, tuple, string or dict
FoldFn item();                     // x[i] of a list/tuple/string, d[key] of a dict
FoldFn membership();               // `in` a list, tuple or dict
enum class Conversion { Int, Float, Bool, Str };
FoldFn conversion(Conversion to);  // int(x), float(x), bool(x), str(x)
FoldFn format();                   // "{}".format(...)
FoldFn rounding(bool up);          // math.floor / math.ceil of a number -> int
enum class MathFunction { Sqrt, Exp, Log2, Log10, Sin, Cos, Tanh, Fabs };
FoldFn math(MathFunction f);  // refused outside the domain, as Python's math
FoldFn logarithm();           // math.log(x) or math.log(x, base)
FoldFn listOf();              // [a, b, ...]
FoldFn tupleOf();             // (a, b, ...)
FoldFn listCopy();            // list(l)
FoldFn rangeLength();         // len(range(lo, hi, step))
FoldFn derivedIndex();        // lo + i * step: the value of a range's i-th item
}  // namespace folds

// Static facts about tensors from their types: aten::dim, aten::size, aten::len on tensors,
// prim::dtype, aten::is_floating_point. `args` holds known constants (None when unknown).
std::optional<IValue> evaluateTensorQuery(const std::string& kind,
                                          const std::vector<ir::TypePtr>& types,
                                          const std::vector<std::optional<IValue>>& args);

// The IR type of a compile-time value.
ir::TypePtr typeOfValue(const IValue& value);

}  // namespace ts2coreml::passes
