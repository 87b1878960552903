// Elementwise unary ops (activations, math functions) and cast.
#pragma once

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

enum class UnaryOp {
  Relu,
  Relu6,
  Sigmoid,
  Tanh,
  Exp,
  Exp2,
  Log,  // log(x + alpha)   (MIL: epsilon)
  Sqrt,
  Rsqrt,    // 1 / sqrt(x + alpha)
  Inverse,  // 1 / (x + alpha)
  Abs,
  Neg,
  Floor,
  Ceil,
  Round,  // half to even, like numpy
  Sign,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Sinh,
  Cosh,
  Erf,
  Square,
  GeluExact,    // x * Phi(x)
  GeluTanh,     // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  GeluSigmoid,  // x * sigmoid(1.702 x)
  Silu,
  Softplus,
  Softsign,
  LeakyRelu,    // x >= 0 ? x : alpha * x
  Elu,          // x > 0 ? x : alpha * (exp(x) - 1)
  Clip,         // min(max(x, alpha), beta)
  Threshold,    // max(x, alpha)
  SigmoidHard,  // min(max(alpha x + beta, 0), 1)
  ScaledTanh,   // alpha * tanh(beta x)
  Linear,       // alpha x + beta
  LogicalNot,   // bool result
};

// Float ops compute in float32 (result Float32; LogicalNot gives Bool). Relu, Abs, Neg, Sign,
// Square, Clip and Maximum-like ops keep int32 inputs in int32.
Tensor unary(UnaryOp op, const Tensor& x, float alpha = 0.0f, float beta = 0.0f);

// Element conversion with MIL cast semantics: float -> int truncates toward zero, -> bool is
// x != 0. Returns x itself when the dtype already matches.
Tensor cast(const Tensor& x, DType dtype);

}  // namespace ts2coreml::runtime::kernels
