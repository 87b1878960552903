#include "runtime/kernels/elementwise_unary.h"

#include <algorithm>
#include <cmath>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

float sigmoid(float x) {
  return 1.0f / (1.0f + std::exp(-x));
}

float evaluate(UnaryOp op, float x, float alpha, float beta) {
  switch (op) {
    case UnaryOp::Relu:
      return x > 0 ? x : 0.0f;
    case UnaryOp::Relu6:
      return std::min(std::max(x, 0.0f), 6.0f);
    case UnaryOp::Sigmoid:
      return sigmoid(x);
    case UnaryOp::Tanh:
      return std::tanh(x);
    case UnaryOp::Exp:
      return std::exp(x);
    case UnaryOp::Exp2:
      return std::exp2(x);
    case UnaryOp::Log:
      return std::log(x + alpha);
    case UnaryOp::Sqrt:
      return std::sqrt(x);
    case UnaryOp::Rsqrt:
      return 1.0f / std::sqrt(x + alpha);
    case UnaryOp::Inverse:
      return 1.0f / (x + alpha);
    case UnaryOp::Abs:
      return std::fabs(x);
    case UnaryOp::Neg:
      return -x;
    case UnaryOp::Floor:
      return std::floor(x);
    case UnaryOp::Ceil:
      return std::ceil(x);
    case UnaryOp::Round:
      return std::nearbyint(x);  // default rounding mode: half to even
    case UnaryOp::Sign:
      return static_cast<float>((x > 0) - (x < 0));
    case UnaryOp::Sin:
      return std::sin(x);
    case UnaryOp::Cos:
      return std::cos(x);
    case UnaryOp::Tan:
      return std::tan(x);
    case UnaryOp::Asin:
      return std::asin(x);
    case UnaryOp::Acos:
      return std::acos(x);
    case UnaryOp::Atan:
      return std::atan(x);
    case UnaryOp::Sinh:
      return std::sinh(x);
    case UnaryOp::Cosh:
      return std::cosh(x);
    case UnaryOp::Erf:
      return std::erf(x);
    case UnaryOp::Square:
      return x * x;
    case UnaryOp::GeluExact:
      return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f)));
    case UnaryOp::GeluTanh: {
      const float k = std::sqrt(2.0f / static_cast<float>(M_PI));
      return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
    }
    case UnaryOp::GeluSigmoid:
      return x * sigmoid(1.702f * x);
    case UnaryOp::Silu:
      return x * sigmoid(x);
    case UnaryOp::Softplus:
      return x > 20.0f ? x : std::log1p(std::exp(x));
    case UnaryOp::Softsign:
      return x / (1.0f + std::fabs(x));
    case UnaryOp::LeakyRelu:
      return x >= 0 ? x : alpha * x;
    case UnaryOp::Elu:
      return x > 0 ? x : alpha * (std::exp(x) - 1.0f);
    case UnaryOp::Clip:
      return std::min(std::max(x, alpha), beta);
    case UnaryOp::Threshold:
      return std::max(x, alpha);
    case UnaryOp::SigmoidHard:
      return std::min(std::max(alpha * x + beta, 0.0f), 1.0f);
    case UnaryOp::ScaledTanh:
      return alpha * std::tanh(beta * x);
    case UnaryOp::Linear:
      return alpha * x + beta;
    case UnaryOp::LogicalNot:
      return x == 0 ? 1.0f : 0.0f;
  }
  return 0;
}

bool keepsIntegers(UnaryOp op) {
  return op == UnaryOp::Relu || op == UnaryOp::Abs || op == UnaryOp::Neg || op == UnaryOp::Sign ||
         op == UnaryOp::Square || op == UnaryOp::Clip || op == UnaryOp::Floor ||
         op == UnaryOp::Ceil || op == UnaryOp::Round;
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x, float alpha, float beta) {
  if (op == UnaryOp::LogicalNot) {
    Tensor in = asContiguous(x, DType::Bool);
    Tensor out(DType::Bool, in.shape());
    const uint8_t* src = in.data<uint8_t>();
    uint8_t* dst = out.mutableData<uint8_t>();
    for (int64_t i = 0; i < in.numel(); ++i) dst[i] = src[i] ? 0 : 1;
    return out;
  }
  if (x.dtype() == DType::Int32 && keepsIntegers(op)) {
    Tensor in = x.contiguous();
    Tensor out(DType::Int32, in.shape());
    const int32_t* src = in.data<int32_t>();
    int32_t* dst = out.mutableData<int32_t>();
    for (int64_t i = 0; i < in.numel(); ++i) {
      const int64_t v = src[i];
      int64_t r = v;
      switch (op) {
        case UnaryOp::Relu:
          r = std::max<int64_t>(v, 0);
          break;
        case UnaryOp::Abs:
          r = v < 0 ? -v : v;
          break;
        case UnaryOp::Neg:
          r = -v;
          break;
        case UnaryOp::Sign:
          r = (v > 0) - (v < 0);
          break;
        case UnaryOp::Square:
          r = v * v;
          break;
        case UnaryOp::Clip:
          r = static_cast<int64_t>(std::min(std::max(static_cast<float>(v), alpha), beta));
          break;
        default:
          break;  // floor / ceil / round of an integer is itself
      }
      dst[i] = static_cast<int32_t>(r);
    }
    return out;
  }
  Tensor in = asFloat(x);
  Tensor out(DType::Float32, in.shape());
  const float* src = in.data<float>();
  float* dst = out.mutableData<float>();
  const int64_t n = in.numel();
  switch (op) {  // the hottest ones get loops the compiler can vectorise
    case UnaryOp::Relu:
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i] > 0 ? src[i] : 0.0f;
      break;
    default:
      for (int64_t i = 0; i < n; ++i) dst[i] = evaluate(op, src[i], alpha, beta);
      break;
  }
  return out;
}

Tensor cast(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  if (dtype == DType::Bool) {
    Tensor in = asFloat(x);
    Tensor out(DType::Bool, in.shape());
    for (int64_t i = 0; i < in.numel(); ++i)
      out.mutableData<uint8_t>()[i] = in.data<float>()[i] != 0;
    return out;
  }
  return x.to(dtype);  // float -> int truncates toward zero (static_cast)
}

}  // namespace ts2coreml::runtime::kernels
