// Elementwise binary ops with numpy broadcasting, and select (numpy where).
#pragma once

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

enum class BinaryOp {
  Add,
  Sub,
  Mul,
  RealDiv,
  FloorDiv,  // floor(x / y), Python semantics
  Mod,       // x - floor(x / y) * y: the sign follows y (Python %)
  Pow,
  Maximum,
  Minimum,
  Equal,
  NotEqual,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  LogicalAnd,
  LogicalOr,
  LogicalXor,
};

// Result dtype: Bool for comparisons and logical ops; Int32 when both operands are integers
// (RealDiv excepted: it divides in float32); else Float32.
Tensor binary(BinaryOp op, const Tensor& x, const Tensor& y);

// where(cond, a, b) with broadcasting of all three; the result has a's dtype when a and b agree,
// else float32.
Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b);

}  // namespace ts2coreml::runtime::kernels
