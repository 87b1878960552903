// Elementwise one-input ops: activations, unary math, cast, identity, clip, softmax.
#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

spec::ActivationParams* activation(NNContext& ctx, const ir::Node& node) {
  return ctx.addLayer(node, {ctx.input(node, "x")})->mutable_activation();
}

void unary(NNContext& ctx, const ir::Node& node, spec::UnaryFunctionLayerParams::Operation op,
           float epsilon = 0.0f) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_unary();
  params->set_type(op);
  params->set_scale(1.0f);  // the input is scale * x + shift before the function
  params->set_alpha(1.0f);
  params->set_epsilon(epsilon);
}

// Blob types of the input of a cast, as far as the IR knows.
std::optional<DType> dtypeOf(const ir::Value* value) {
  if (!value->type() || !value->type()->isTensor()) return std::nullopt;
  return value->type()->dtype();
}

}  // namespace

void lowerRelu(NNContext& ctx, const ir::Node& node) {
  activation(ctx, node)->mutable_relu();
}
void lowerSigmoid(NNContext& ctx, const ir::Node& node) {
  activation(ctx, node)->mutable_sigmoid();
}
void lowerTanh(NNContext& ctx, const ir::Node& node) {
  activation(ctx, node)->mutable_tanh();
}
void lowerSoftsign(NNContext& ctx, const ir::Node& node) {
  activation(ctx, node)->mutable_softsign();
}
void lowerSoftplus(NNContext& ctx, const ir::Node& node) {
  activation(ctx, node)->mutable_softplus();
}

void lowerLeakyRelu(NNContext& ctx, const ir::Node& node) {
  float alpha = static_cast<float>(ctx.constNumber(node, "alpha", 0.01));
  activation(ctx, node)->mutable_leakyrelu()->set_alpha(alpha);
}

void lowerElu(NNContext& ctx, const ir::Node& node) {
  float alpha = static_cast<float>(ctx.constNumber(node, "alpha", 1.0));
  activation(ctx, node)->mutable_elu()->set_alpha(alpha);
}

// identity and same-kind casts: an exact pass-through that writes a new blob. (copy is kept
// for overwriting loop-carried blobs, where its special permission matters.)
void lowerIdentity(NNContext& ctx, const ir::Node& node) {
  auto* linear = activation(ctx, node)->mutable_linear();
  linear->set_alpha(1.0f);
  linear->set_beta(0.0f);
}

// All NN blobs are float, so casting only has to reproduce the value MIL would produce:
// to int32 truncates toward zero (where(x > 0, floor(x), ceil(x))), to bool tests x != 0,
// to a float type (or from bool/int to int) is the identity.
void lowerCast(NNContext& ctx, const ir::Node& node) {
  std::string to = ctx.constStr(node, "dtype", "");
  const ir::Value* x = ctx.input(node, "x");
  std::optional<DType> from = dtypeOf(x);
  bool fromInteger = from && (isIntegral(*from) || *from == DType::Bool);
  if (to == "int32" || to == "int64" || to == "int16" || to == "int8" || to == "uint8" ||
      to == "uint16") {
    if (fromInteger) return lowerIdentity(ctx, node);
    std::string in = ctx.blob(x);
    std::string base = ctx.outputBlob(node.output());
    std::string floorName = ctx.freshBlobName(base + "_floor");
    std::string ceilName = ctx.freshBlobName(base + "_ceil");
    std::string positive = ctx.freshBlobName(base + "_positive");
    ctx.addLayer(floorName, {in}, {floorName})->mutable_floor();
    ctx.addLayer(ceilName, {in}, {ceilName})->mutable_ceil();
    ctx.addLayer(positive, {in}, {positive})->mutable_greaterthan()->set_alpha(0.0f);
    ctx.addLayer(base, {positive, floorName, ceilName}, {base})->mutable_wherebroadcastable();
  } else if (to == "bool") {
    if (from == DType::Bool) return lowerIdentity(ctx, node);
    ctx.addLayer(node, {x})->mutable_notequal()->set_alpha(0.0f);
  } else if (to == "fp32" || to == "fp16" || to == "fp64") {
    lowerIdentity(ctx, node);
  } else {
    ctx.fail(node, "cast to '" + to + "' has no neural network equivalent");
  }
}

void lowerClip(NNContext& ctx, const ir::Node& node) {
  float lo = static_cast<float>(ctx.constNumber(node, "alpha", 0.0));
  float hi = static_cast<float>(ctx.constNumber(node, "beta", 0.0));
  auto* clip = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_clip();
  clip->set_minval(lo);
  clip->set_maxval(hi);
}

void lowerRelu6(NNContext& ctx, const ir::Node& node) {
  auto* clip = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_clip();
  clip->set_minval(0.0f);
  clip->set_maxval(6.0f);
}

void lowerGelu(NNContext& ctx, const ir::Node& node) {
  std::string mode = ctx.constStr(node, "mode", "EXACT");
  auto* gelu = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_gelu();
  if (mode == "EXACT") {
    gelu->set_mode(spec::GeluLayerParams::EXACT);
  } else if (mode == "TANH_APPROXIMATION") {
    gelu->set_mode(spec::GeluLayerParams::TANH_APPROXIMATION);
  } else if (mode == "SIGMOID_APPROXIMATION") {
    gelu->set_mode(spec::GeluLayerParams::SIGMOID_APPROXIMATION);
  } else {
    ctx.fail(node, "unknown gelu mode '" + mode + "'");
  }
}

// silu(x) = x * sigmoid(x): two layers.
void lowerSilu(NNContext& ctx, const ir::Node& node) {
  std::string in = ctx.blob(ctx.input(node, "x"));
  std::string out = ctx.outputBlob(node.output());
  std::string sig = ctx.freshBlobName(out + "_sigmoid");
  ctx.addLayer(sig, {in}, {sig})->mutable_activation()->mutable_sigmoid();
  ctx.addLayer(out, {in, sig}, {out})->mutable_multiplybroadcastable();
}

void lowerSoftmax(NNContext& ctx, const ir::Node& node) {
  int64_t axis = static_cast<int64_t>(ctx.constNumber(node, "axis", -1));
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_softmaxnd()->set_axis(axis);
}

void lowerExp(NNContext& ctx, const ir::Node& node) {
  unary(ctx, node, spec::UnaryFunctionLayerParams::EXP);
}
void lowerSqrt(NNContext& ctx, const ir::Node& node) {
  unary(ctx, node, spec::UnaryFunctionLayerParams::SQRT);
}
void lowerAbs(NNContext& ctx, const ir::Node& node) {
  unary(ctx, node, spec::UnaryFunctionLayerParams::ABS);
}
void lowerLog(NNContext& ctx, const ir::Node& node) {
  unary(ctx, node, spec::UnaryFunctionLayerParams::LOG,
        static_cast<float>(ctx.constNumber(node, "epsilon", 1e-45)));
}
void lowerRsqrt(NNContext& ctx, const ir::Node& node) {
  unary(ctx, node, spec::UnaryFunctionLayerParams::RSQRT,
        static_cast<float>(ctx.constNumber(node, "epsilon", 1e-12)));
}
void lowerInverse(NNContext& ctx, const ir::Node& node) {
  unary(ctx, node, spec::UnaryFunctionLayerParams::INVERSE,
        static_cast<float>(ctx.constNumber(node, "epsilon", 1e-4)));
}

void lowerFloor(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_floor();
}
void lowerCeil(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_ceil();
}
void lowerRound(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_round();
}
void lowerSign(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_sign();
}
void lowerSin(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_sin();
}
void lowerCos(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_cos();
}
void lowerErf(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_erf();
}

// The trigonometric and hyperbolic layers of specification 4 (one input, no parameters).
void lowerTan(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_tan();
}
void lowerAsin(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_asin();
}
void lowerAcos(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_acos();
}
void lowerAtan(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_atan();
}
void lowerSinh(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_sinh();
}
void lowerCosh(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_cosh();
}

}  // namespace ts2coreml::backends::nn
