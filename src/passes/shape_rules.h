// Result-type rules shared by many ops: elementwise, comparison, convolution, linear and
// reductions. Op-table rows (lower/ops_<family>.cc) bind them to op names; the rules of a
// single op family are in passes/shape_rules_<family>.h or in the family file itself.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

// The first operand's type, whatever it is.
ShapeRule sameAsInput();
// add/sub/mul/div...(a, b): torch's promotion and broadcasting; with `trueDivision` an integer
// result becomes float32 unless a rounding_mode is given.
ShapeRule binaryArithmetic(bool trueDivision);
// lt/le/gt/ge/eq/ne(a, b): bool, broadcast.
ShapeRule comparison();
// conv{1,2,3}d and _convolution (transposed too); refuses an input whose channel count does not
// fit the weight.
ShapeRule convolution();
// linear(input [..., in], weight [out, in], bias) -> [..., out].
ShapeRule linear();
// mean/sum(self, dtype) or (self, dim, keepdim, dtype).
ShapeRule reduction();

// `first`'s type, or `second`'s where `first` gives none (an op two rules share: index).
ShapeRule firstOf(ShapeRule first, ShapeRule second);

}  // namespace ts2coreml::passes::rules
