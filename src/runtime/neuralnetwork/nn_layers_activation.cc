// One-input elementwise layers: activations, unary functions, rounding, trigonometry, gelu,
// clip, and the softmax layers.
#include <cmath>

#include "runtime/kernels/elementwise_unary.h"
#include "runtime/kernels/norm.h"
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

using kernels::UnaryOp;

namespace {

void unary(LayerIO& io, UnaryOp op, float alpha = 0.0f, float beta = 0.0f) {
  io.setOutput(0, kernels::unary(op, io.input(0), alpha, beta));
}

// PReLU / parametric softplus: parameters per channel (axis -3) or one for all.
template <typename F>
Tensor perChannel(LayerIO& io, const Tensor& x, const Tensor& p1, const Tensor& p2, F f) {
  if (x.rank() < 3) io.fail("needs an input of rank >= 3");
  const int64_t channels = x.dim(-3);
  const int64_t plane = x.dim(-2) * x.dim(-1);
  for (const Tensor* p : {&p1, &p2}) {
    if (p->numel() != 1 && p->numel() != channels)
      io.fail("parameter count must be 1 or the channel count");
  }
  Tensor out(DType::Float32, x.shape());
  const float* in = x.data<float>();
  float* o = out.mutableData<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t c = (i / plane) % channels;
    o[i] = f(in[i], p1.data<float>()[p1.numel() == 1 ? 0 : c],
             p2.data<float>()[p2.numel() == 1 ? 0 : c]);
  }
  return out;
}

}  // namespace

void runActivation(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.activation();
  using A = spec::ActivationParams;
  switch (p.NonlinearityType_case()) {
    case A::kLinear:
      return unary(io, UnaryOp::Linear, p.linear().alpha(), p.linear().beta());
    case A::kReLU:
      return unary(io, UnaryOp::Relu);
    case A::kLeakyReLU:
      return unary(io, UnaryOp::LeakyRelu, p.leakyrelu().alpha());
    case A::kThresholdedReLU: {
      // x >= alpha ? x : 0
      Tensor x = io.input(0);
      float a = p.thresholdedrelu().alpha();
      Tensor out(DType::Float32, x.shape());
      for (int64_t i = 0; i < x.numel(); ++i) {
        float v = x.data<float>()[i];
        out.mutableData<float>()[i] = v >= a ? v : 0.0f;
      }
      return io.setOutput(0, out);
    }
    case A::kTanh:
      return unary(io, UnaryOp::Tanh);
    case A::kScaledTanh:
      return unary(io, UnaryOp::ScaledTanh, p.scaledtanh().alpha(), p.scaledtanh().beta());
    case A::kSigmoid:
      return unary(io, UnaryOp::Sigmoid);
    case A::kSigmoidHard:
      return unary(io, UnaryOp::SigmoidHard, p.sigmoidhard().alpha(), p.sigmoidhard().beta());
    case A::kELU:
      return unary(io, UnaryOp::Elu, p.elu().alpha());
    case A::kSoftsign:
      return unary(io, UnaryOp::Softsign);
    case A::kSoftplus:
      return unary(io, UnaryOp::Softplus);
    case A::kPReLU: {
      Tensor alpha = io.weights(p.prelu().alpha(), -1, "alpha");
      io.setOutput(0, perChannel(io, io.input(0), alpha, alpha,
                                 [](float v, float a, float) { return v >= 0.0f ? v : a * v; }));
      return;
    }
    case A::kParametricSoftplus: {
      Tensor alpha = io.weights(p.parametricsoftplus().alpha(), -1, "alpha");
      Tensor beta = io.weights(p.parametricsoftplus().beta(), -1, "beta");
      io.setOutput(0, perChannel(io, io.input(0), alpha, beta, [](float v, float a, float b) {
                     return a * std::log1p(std::exp(b * v));
                   }));
      return;
    }
    default:
      io.fail("activation without a nonlinearity");
  }
}

// The input is first scaled and shifted (x' = scale * x + shift). epsilon is added to x' by
// RSQRT, INVERSE and LOG, as the MIL ops rsqrt / inverse / log do with theirs.
void runUnary(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.unary();
  Tensor x = io.input(0);
  if (p.scale() != 1.0f || p.shift() != 0.0f)
    x = kernels::unary(UnaryOp::Linear, x, p.scale(), p.shift());
  using U = spec::UnaryFunctionLayerParams;
  UnaryOp op;
  float alpha = 0.0f;
  switch (p.type()) {
    case U::SQRT:
      op = UnaryOp::Sqrt;
      break;
    case U::RSQRT:
      op = UnaryOp::Rsqrt, alpha = p.epsilon();
      break;
    case U::INVERSE:
      op = UnaryOp::Inverse, alpha = p.epsilon();
      break;
    case U::EXP:
      op = UnaryOp::Exp;
      break;
    case U::LOG:
      op = UnaryOp::Log, alpha = p.epsilon();
      break;
    case U::ABS:
      op = UnaryOp::Abs;
      break;
    case U::THRESHOLD:
      op = UnaryOp::Threshold, alpha = p.alpha();
      break;
    case U::POWER: {
      Tensor out(DType::Float32, x.shape());
      Tensor xf = x.contiguous().to(DType::Float32);
      for (int64_t i = 0; i < x.numel(); ++i)
        out.mutableData<float>()[i] = std::pow(xf.data<float>()[i], p.alpha());
      return io.setOutput(0, out);
    }
    default:
      io.fail("unknown unary function " + std::to_string(p.type()));
  }
  io.setOutput(0, kernels::unary(op, x, alpha));
}

void runClip(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  unary(io, UnaryOp::Clip, layer.clip().minval(), layer.clip().maxval());
}
void runCeil(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Ceil);
}
void runFloor(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Floor);
}
void runRound(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Round);
}
void runSign(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Sign);
}
void runSin(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Sin);
}
void runCos(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Cos);
}
void runTan(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Tan);
}
void runErf(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Erf);
}
void runAsin(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Asin);
}
void runAcos(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Acos);
}
void runAtan(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Atan);
}
void runSinh(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Sinh);
}
void runCosh(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Cosh);
}
void runExp2(LayerIO& io, const spec::NeuralNetworkLayer&) {
  unary(io, UnaryOp::Exp2);
}

void runGelu(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  switch (layer.gelu().mode()) {
    case spec::GeluLayerParams::EXACT:
      return unary(io, UnaryOp::GeluExact);
    case spec::GeluLayerParams::TANH_APPROXIMATION:
      return unary(io, UnaryOp::GeluTanh);
    case spec::GeluLayerParams::SIGMOID_APPROXIMATION:
      return unary(io, UnaryOp::GeluSigmoid);
    default:
      io.fail("unknown gelu mode");
  }
}

void runSoftmaxND(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(0, kernels::softmax(io.input(0), layer.softmaxnd().axis()));
}

// The rank-5 era softmax works over the channel axis (-3).
void runSoftmax(LayerIO& io, const spec::NeuralNetworkLayer&) {
  if (io.input(0).rank() < 3) io.fail("softmax needs an input of rank >= 3");
  io.setOutput(0, kernels::softmax(io.input(0), -3));
}

}  // namespace ts2coreml::runtime::nn
