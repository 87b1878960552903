// Binary arithmetic, comparisons, logical ops and select. A scalar constant operand becomes the
// layer's alpha where the layer has one (add, multiply, comparisons), as coremltools does; other
// constant operands are loaded as blobs and the broadcastable ND layers are used.
#include <cmath>

#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

// A finite one-element constant usable as an alpha.
std::optional<double> alphaOf(const ir::Value* value) {
  auto v = NNContext::scalarConst(value);
  if (v && std::isfinite(*v)) return v;
  return std::nullopt;
}

spec::NeuralNetworkLayer* broadcastable(NNContext& ctx, const ir::Node& node) {
  return ctx.addLayer(node, {ctx.input(node, "x"), ctx.input(node, "y")});
}

}  // namespace

void lowerAdd(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  const ir::Value* y = ctx.input(node, "y");
  if (auto a = alphaOf(y)) {
    ctx.addLayer(node, {x})->mutable_add()->set_alpha(static_cast<float>(*a));
  } else if (auto b = alphaOf(x)) {
    ctx.addLayer(node, {y})->mutable_add()->set_alpha(static_cast<float>(*b));
  } else {
    broadcastable(ctx, node)->mutable_addbroadcastable();
  }
}

void lowerSub(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  if (auto a = alphaOf(ctx.input(node, "y"))) {
    ctx.addLayer(node, {x})->mutable_add()->set_alpha(static_cast<float>(-*a));
  } else {
    broadcastable(ctx, node)->mutable_subtractbroadcastable();
  }
}

void lowerMul(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  const ir::Value* y = ctx.input(node, "y");
  if (auto a = alphaOf(y)) {
    ctx.addLayer(node, {x})->mutable_multiply()->set_alpha(static_cast<float>(*a));
  } else if (auto b = alphaOf(x)) {
    ctx.addLayer(node, {y})->mutable_multiply()->set_alpha(static_cast<float>(*b));
  } else {
    broadcastable(ctx, node)->mutable_multiplybroadcastable();
  }
}

void lowerRealDiv(NNContext& ctx, const ir::Node& node) {
  auto a = alphaOf(ctx.input(node, "y"));
  if (a && *a != 0.0) {
    // x / c == x * (1/c) up to one rounding; Core ML does the same for scalar divisors.
    ctx.addLayer(node, {ctx.input(node, "x")})
        ->mutable_multiply()
        ->set_alpha(static_cast<float>(1.0 / *a));
  } else {
    broadcastable(ctx, node)->mutable_dividebroadcastable();
  }
}

void lowerFloorDiv(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_floordivbroadcastable();
}
void lowerMod(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_modbroadcastable();
}
void lowerMaximum(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_maxbroadcastable();
}
void lowerMinimum(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_minbroadcastable();
}

void lowerPow(NNContext& ctx, const ir::Node& node) {
  if (auto a = alphaOf(ctx.input(node, "y"))) {
    auto* unary = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_unary();
    unary->set_type(spec::UnaryFunctionLayerParams::POWER);
    unary->set_alpha(static_cast<float>(*a));
    unary->set_scale(1.0f);
  } else {
    broadcastable(ctx, node)->mutable_powbroadcastable();
  }
}

namespace {

enum class Cmp { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

// x OP c  <=>  c OP' x: the comparison seen from the other side.
Cmp mirrored(Cmp cmp) {
  switch (cmp) {
    case Cmp::Less:
      return Cmp::Greater;
    case Cmp::LessEqual:
      return Cmp::GreaterEqual;
    case Cmp::Greater:
      return Cmp::Less;
    case Cmp::GreaterEqual:
      return Cmp::LessEqual;
    default:
      return cmp;
  }
}

// Sets the comparison params on `layer`; `alpha` is the constant right-hand side when present.
void setComparison(spec::NeuralNetworkLayer* layer, Cmp cmp, std::optional<double> alpha) {
  float a = alpha ? static_cast<float>(*alpha) : 0.0f;
  switch (cmp) {
    case Cmp::Equal:
      layer->mutable_equal()->set_alpha(a);
      break;
    case Cmp::NotEqual:
      layer->mutable_notequal()->set_alpha(a);
      break;
    case Cmp::Less:
      layer->mutable_lessthan()->set_alpha(a);
      break;
    case Cmp::LessEqual:
      layer->mutable_lessequal()->set_alpha(a);
      break;
    case Cmp::Greater:
      layer->mutable_greaterthan()->set_alpha(a);
      break;
    case Cmp::GreaterEqual:
      layer->mutable_greaterequal()->set_alpha(a);
      break;
  }
}

void lowerComparison(NNContext& ctx, const ir::Node& node, Cmp cmp) {
  const ir::Value* x = ctx.input(node, "x");
  const ir::Value* y = ctx.input(node, "y");
  if (auto a = alphaOf(y)) {
    setComparison(ctx.addLayer(node, {x}), cmp, a);
  } else if (auto b = alphaOf(x)) {
    setComparison(ctx.addLayer(node, {y}), mirrored(cmp), b);
  } else {
    setComparison(ctx.addLayer(node, {x, y}), cmp, std::nullopt);
  }
}

}  // namespace

void lowerEqual(NNContext& ctx, const ir::Node& node) {
  lowerComparison(ctx, node, Cmp::Equal);
}
void lowerNotEqual(NNContext& ctx, const ir::Node& node) {
  lowerComparison(ctx, node, Cmp::NotEqual);
}
void lowerLess(NNContext& ctx, const ir::Node& node) {
  lowerComparison(ctx, node, Cmp::Less);
}
void lowerLessEqual(NNContext& ctx, const ir::Node& node) {
  lowerComparison(ctx, node, Cmp::LessEqual);
}
void lowerGreater(NNContext& ctx, const ir::Node& node) {
  lowerComparison(ctx, node, Cmp::Greater);
}
void lowerGreaterEqual(NNContext& ctx, const ir::Node& node) {
  lowerComparison(ctx, node, Cmp::GreaterEqual);
}

void lowerLogicalAnd(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_logicaland();
}
void lowerLogicalOr(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_logicalor();
}
void lowerLogicalXor(NNContext& ctx, const ir::Node& node) {
  broadcastable(ctx, node)->mutable_logicalxor();
}
void lowerLogicalNot(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_logicalnot();
}

void lowerSelect(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "cond"), ctx.input(node, "a"), ctx.input(node, "b")})
      ->mutable_wherebroadcastable();
}

}  // namespace ts2coreml::backends::nn
