// Unary elementwise ops and activations, with the MIL defaults of their optional params.
#include "runtime/kernels/elementwise_binary.h"
#include "runtime/kernels/elementwise_unary.h"
#include "runtime/kernels/shape.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

using kernels::UnaryOp;

template <UnaryOp Op>
void unaryOp(OpContext& ctx) {
  float alpha = 0, beta = 0;
  if constexpr (Op == UnaryOp::Log) alpha = static_cast<float>(ctx.floatArg("epsilon", 1e-45));
  if constexpr (Op == UnaryOp::Rsqrt) alpha = static_cast<float>(ctx.floatArg("epsilon", 1e-12));
  if constexpr (Op == UnaryOp::Inverse) alpha = static_cast<float>(ctx.floatArg("epsilon", 1e-4));
  if constexpr (Op == UnaryOp::LeakyRelu) alpha = static_cast<float>(ctx.floatArg("alpha", 0.01));
  if constexpr (Op == UnaryOp::Elu) alpha = static_cast<float>(ctx.floatArg("alpha", 1.0));
  if constexpr (Op == UnaryOp::Threshold) alpha = static_cast<float>(ctx.floatArg("alpha", 1.0));
  if constexpr (Op == UnaryOp::Clip) {
    alpha = static_cast<float>(ctx.floatArg("alpha"));
    beta = static_cast<float>(ctx.floatArg("beta"));
  }
  if constexpr (Op == UnaryOp::SigmoidHard) {
    alpha = static_cast<float>(ctx.floatArg("alpha", 0.2));
    beta = static_cast<float>(ctx.floatArg("beta", 0.5));
  }
  if constexpr (Op == UnaryOp::ScaledTanh) {
    alpha = static_cast<float>(ctx.floatArg("alpha", 1.0));
    beta = static_cast<float>(ctx.floatArg("beta", 1.0));
  }
  if constexpr (Op == UnaryOp::Linear) {
    alpha = static_cast<float>(ctx.floatArg("alpha"));
    beta = static_cast<float>(ctx.floatArg("beta", 0.0));
  }
  ctx.setOutput(kernels::unary(Op, ctx.tensor("x"), alpha, beta));
}

void geluOp(OpContext& ctx) {
  const std::string mode = ctx.stringArg("mode", std::string("EXACT"));
  UnaryOp op = mode == "EXACT"                   ? UnaryOp::GeluExact
               : mode == "TANH_APPROXIMATION"    ? UnaryOp::GeluTanh
               : mode == "SIGMOID_APPROXIMATION" ? UnaryOp::GeluSigmoid
                                                 : UnaryOp::Relu;
  if (op == UnaryOp::Relu) ctx.fail("unknown gelu mode '" + mode + "'");
  ctx.setOutput(kernels::unary(op, ctx.tensor("x")));
}

// prelu: x [N, C, *D], alpha [C]: x >= 0 ? x : alpha_c * x.
void preluOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  const Tensor& alpha = ctx.tensor("alpha");
  if (x.rank() < 2 || alpha.numel() != x.dim(1)) {
    ctx.fail("prelu alpha " + shapeToString(alpha.shape()) + " does not match the channels of x " +
             shapeToString(x.shape()));
  }
  std::vector<int64_t> channelShape(static_cast<size_t>(x.rank() - 1), 1);
  channelShape[0] = x.dim(1);
  Tensor a = kernels::reshape(alpha, channelShape);
  Tensor scaled = kernels::binary(kernels::BinaryOp::Mul, x, a);
  Tensor positive =
      kernels::binary(kernels::BinaryOp::GreaterEqual, x, Tensor::scalar(DType::Float32, 0));
  ctx.setOutput(kernels::select(positive, x, scaled));
}

}  // namespace

void registerActivationOps(MilOpTable& table) {
  table["relu"] = unaryOp<UnaryOp::Relu>;
  table["relu6"] = unaryOp<UnaryOp::Relu6>;
  table["sigmoid"] = unaryOp<UnaryOp::Sigmoid>;
  table["tanh"] = unaryOp<UnaryOp::Tanh>;
  table["exp"] = unaryOp<UnaryOp::Exp>;
  table["exp2"] = unaryOp<UnaryOp::Exp2>;
  table["log"] = unaryOp<UnaryOp::Log>;
  table["sqrt"] = unaryOp<UnaryOp::Sqrt>;
  table["rsqrt"] = unaryOp<UnaryOp::Rsqrt>;
  table["inverse"] = unaryOp<UnaryOp::Inverse>;
  table["abs"] = unaryOp<UnaryOp::Abs>;
  table["floor"] = unaryOp<UnaryOp::Floor>;
  table["ceil"] = unaryOp<UnaryOp::Ceil>;
  table["round"] = unaryOp<UnaryOp::Round>;
  table["sign"] = unaryOp<UnaryOp::Sign>;
  table["sin"] = unaryOp<UnaryOp::Sin>;
  table["cos"] = unaryOp<UnaryOp::Cos>;
  table["tan"] = unaryOp<UnaryOp::Tan>;
  table["asin"] = unaryOp<UnaryOp::Asin>;
  table["acos"] = unaryOp<UnaryOp::Acos>;
  table["atan"] = unaryOp<UnaryOp::Atan>;
  table["sinh"] = unaryOp<UnaryOp::Sinh>;
  table["cosh"] = unaryOp<UnaryOp::Cosh>;
  table["erf"] = unaryOp<UnaryOp::Erf>;
  table["square"] = unaryOp<UnaryOp::Square>;
  table["silu"] = unaryOp<UnaryOp::Silu>;
  table["softplus"] = unaryOp<UnaryOp::Softplus>;
  table["softsign"] = unaryOp<UnaryOp::Softsign>;
  table["leaky_relu"] = unaryOp<UnaryOp::LeakyRelu>;
  table["elu"] = unaryOp<UnaryOp::Elu>;
  table["clip"] = unaryOp<UnaryOp::Clip>;
  table["threshold"] = unaryOp<UnaryOp::Threshold>;
  table["sigmoid_hard"] = unaryOp<UnaryOp::SigmoidHard>;
  table["scaled_tanh"] = unaryOp<UnaryOp::ScaledTanh>;
  table["linear_activation"] = unaryOp<UnaryOp::Linear>;
  table["logical_not"] = unaryOp<UnaryOp::LogicalNot>;
  table["gelu"] = geluOp;
  table["prelu"] = preluOp;
}

}  // namespace ts2coreml::runtime::mil
