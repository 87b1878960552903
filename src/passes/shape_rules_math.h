// Result-type rules of elementwise math, reductions, sorting and matrix products. Op-table rows
// (lower/ops_elementwise_math.cc, ops_elementwise.cc, ops_reduce.cc, ops_linalg.cc, ...) bind
// them to op names; an op's own quirks are parameters here, never its name.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

// The dtype of a broadcasting binary op (a Python number may come first: torch.pow(10000.0, t)).
enum class BinaryResult {
  Promoted,          // torch's promotion (fmod, remainder, floor_divide, bitwise_*)
  FirstOperand,      // the first operand's dtype (masked_fill)
  Bool,              // logical_and/or/xor
  BoolOperandsOnly,  // __and__/__or__/__xor__: bool only (on ints they are Python's int ops)
  Power,             // pow: a float exponent makes an integer base float32
  FloatingPoint,     // promoted, integers become float32 (atan2, hypot, logaddexp)
};
ShapeRule broadcastBinary(BinaryResult result);

// The input's shape; integer dtypes become float32 (reciprocal, log2, tan, ...).
ShapeRule floatingPointOfInput();
// The input's shape as bool (isnan, isinf, isfinite, logical_not).
ShapeRule boolOfInput();
// einsum(equation, tensors): each output letter takes its size from an operand that has it.
ShapeRule einsum();
// diff(self, n, dim, prepend?, append?): n fewer items along dim.
ShapeRule difference();
// glu(self, dim): half of dim.
ShapeRule halvedAlongDim();
// where(cond, a, b).
ShapeRule where();
// addcmul/addcdiv/lerp(self, a, b, ...): the three broadcast, the first two promoted.
ShapeRule pointwiseOfThree();
// matmul/mm/bmm/mv/dot(a, b).
ShapeRule matrixProduct();
// outer(a [N], b [M]) -> [N, M].
ShapeRule outerProduct();
// addmm/baddbmm/addmv(self, a, b, ...): self broadcast with a @ b.
ShapeRule addedMatrixProduct();
// scaled_dot_product_attention(q, k, v, ...): q's shape with v's last dim.
ShapeRule scaledDotProductAttention();

// A reduction over `dim` (an int or a list; None or an overload without it reduces all).
struct ReduceSpec {
  enum class Result {
    Input,             // the input's dtype (amax, amin, prod)
    Index,             // int64 (argmax, argmin)
    Bool,              // all, any
    FloatingPoint,     // integers become float32 (std, var, norm, logsumexp)
    ValuesAndIndices,  // result 0 the input's dtype, result 1 int64 (max.dim, min.dim)
  };
  Result result;
  size_t dim;              // operand index of dim
  size_t keepdim;          // operand index of keepdim
  size_t operandsWithDim;  // overloads with fewer operands reduce everything
};
ShapeRule reduceAlong(ReduceSpec spec);

enum class SortResult { Sorted, Indices, TopK };
// sort (values, indices) / argsort (indices) / topk(self, k, dim, ...) (values, indices).
ShapeRule sortAlong(SortResult result);

// max/min: of the whole tensor (self), elementwise (self, other), or along dim (self, dim,
// keepdim) -> (values, indices).
ShapeRule extremum();

}  // namespace ts2coreml::passes::rules
