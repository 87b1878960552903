// Activations with parameters or without a single MIL op: gelu (exact / tanh), elu, selu, celu,
// leaky_relu, rrelu (eval), softplus, mish, prelu, hard/soft shrink, log_sigmoid, threshold,
// glu, softmax and log_softmax.
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_math.h"
#include "passes/shape_rules_pool.h"

namespace ts2coreml::lower {

namespace {

double numberArg(LoweringContext& ctx, const ir::Node& node, size_t input, double fallback) {
  if (node.inputs().size() <= input || ctx.isNone(node.input(input))) return fallback;
  auto value = ctx.constant(node.input(input));
  if (!value || !(value->isDouble() || value->isInt() || value->isBool()))
    ctx.fail(node, "argument " + std::to_string(input) + " must be a constant number");
  return value->toNumber();
}

ir::Value* scaled(LoweringContext& ctx, ir::Value* x, double k) {
  if (k == 1.0) return x;
  return binaryMil(ctx, "mul", x, scalarConst(ctx, k, dtypeOf(x)));
}

ir::Value* withAlpha(LoweringContext& ctx, ir::MilOpName op, ir::Value* x, double alpha) {
  auto& b = ctx.builder();
  return b.op1(op, {{"x", x}, {"alpha", scalarConst(ctx, alpha, dtypeOf(x))}}, x->type());
}

ir::Value* softplus(LoweringContext& ctx, ir::Value* x, double beta) {
  return scaled(ctx, unaryMil(ctx, "softplus", scaled(ctx, x, beta)), 1.0 / beta);
}

void lowerGelu(LoweringContext& ctx, const ir::Node& node) {
  std::string mode = "EXACT";
  if (node.inputs().size() > 1) {
    auto approximate = ctx.constant(node.input(1));
    if (!approximate || !approximate->isString()) ctx.fail(node, "approximate must be a constant");
    if (approximate->toString() == "tanh") {
      mode = "TANH_APPROXIMATION";
    } else if (approximate->toString() != "none") {
      ctx.fail(node, "unknown approximate '" + approximate->toString() + "'");
    }
  }
  auto& b = ctx.builder();
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), b.op1("gelu", {{"x", x}, {"mode", b.constString(mode)}}, x->type()));
}

// elu(self, alpha, scale, input_scale) = scale * elu_alpha(input_scale * x)
void lowerElu(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  double alpha = numberArg(ctx, node, 1, 1.0), scale = numberArg(ctx, node, 2, 1.0),
         inputScale = numberArg(ctx, node, 3, 1.0);
  ctx.bind(node.output(),
           scaled(ctx, withAlpha(ctx, "elu", scaled(ctx, x, inputScale), alpha), scale));
}

void lowerSelu(LoweringContext& ctx, const ir::Node& node) {
  // The constants of the SELU paper (Klambauer et al. 2017), as torch uses them.
  constexpr double kAlpha = 1.6732632423543772848170429916717;
  constexpr double kScale = 1.0507009873554804934193349852946;
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), scaled(ctx, withAlpha(ctx, "elu", x, kAlpha), kScale));
}

// celu(x, alpha) = alpha * elu(x / alpha)
void lowerCelu(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  double alpha = numberArg(ctx, node, 1, 1.0);
  if (alpha == 0) ctx.fail(node, "celu alpha must not be 0");
  ctx.bind(node.output(),
           scaled(ctx, withAlpha(ctx, "elu", scaled(ctx, x, 1 / alpha), 1.0), alpha));
}

void lowerLeakyRelu(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), withAlpha(ctx, "leaky_relu", x, numberArg(ctx, node, 1, 0.01)));
}

// rrelu(self, lower, upper, training, generator): in eval mode a leaky relu with the mean slope.
void lowerRrelu(LoweringContext& ctx, const ir::Node& node) {
  if (node.inputs().size() > 3 && ctx.constantBool(node, 3))
    ctx.fail(node, "rrelu in training mode is random (call .eval())");
  double lower = numberArg(ctx, node, 1, 1.0 / 8), upper = numberArg(ctx, node, 2, 1.0 / 3);
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), withAlpha(ctx, "leaky_relu", x, (lower + upper) / 2));
}

// softplus(self, beta, threshold): torch switches to x above threshold / beta, where the two
// differ by less than fp32 resolution for the default threshold.
void lowerSoftplus(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), softplus(ctx, x, numberArg(ctx, node, 1, 1.0)));
}

void lowerMish(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), binaryMil(ctx, "mul", x, unaryMil(ctx, "tanh", softplus(ctx, x, 1.0))));
}

void lowerLogSigmoid(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ctx.bind(node.output(), scaled(ctx, softplus(ctx, scaled(ctx, x, -1), 1.0), -1));
}

// prelu(x, weight): relu(x) + weight * min(x, 0), weight broadcast along the channel axis 1.
void lowerPrelu(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  ir::Value* weight = toFloat(ctx, ctx.get(node.input(1)));
  const Shape& shape = knownShape(ctx, node, x);
  int64_t channels = shapeNumel(knownShape(ctx, node, weight));
  if (channels != 1) {
    if (shape.size() < 2 || shape[1] != channels)
      ctx.fail(node, "prelu weight does not match the channels (axis 1) of the input");
    Shape broadcast(shape.size() - 1, 1);
    broadcast[0] = channels;
    weight = reshapeTo(ctx, weight, broadcast);
  }
  ir::Value* negative = binaryMil(ctx, "minimum", x, scalarConst(ctx, 0, dtypeOf(x)));
  ir::Value* r =
      binaryMil(ctx, "add", unaryMil(ctx, "relu", x), binaryMil(ctx, "mul", negative, weight));
  ctx.bind(node.output(), r);
}

// select(|x| > lambda, x, 0)
void lowerHardshrink(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  double lambda = numberArg(ctx, node, 1, 0.5);
  auto& b = ctx.builder();
  ir::Value* keep = b.op1(
      "greater", {{"x", unaryMil(ctx, "abs", x)}, {"y", scalarConst(ctx, lambda, dtypeOf(x))}},
      ir::Type::tensor(DType::Bool, x->type()->shape()));
  ctx.bind(node.output(),
           b.op1("select", {{"cond", keep}, {"a", x}, {"b", scalarConst(ctx, 0, dtypeOf(x))}},
                 x->type()));
}

// x - clip(x, -lambda, lambda)
void lowerSoftshrink(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  double lambda = numberArg(ctx, node, 1, 0.5);
  auto& b = ctx.builder();
  ir::Value* clipped = b.op1("clip",
                             {{"x", x},
                              {"alpha", scalarConst(ctx, -lambda, dtypeOf(x))},
                              {"beta", scalarConst(ctx, lambda, dtypeOf(x))}},
                             x->type());
  ctx.bind(node.output(), binaryMil(ctx, "sub", x, clipped));
}

// threshold(self, threshold, value) = select(x > threshold, x, value)
void lowerThreshold(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  DType dtype = dtypeOf(x);
  auto& b = ctx.builder();
  ir::Value* keep =
      b.op1("greater", {{"x", x}, {"y", scalarConst(ctx, numberArg(ctx, node, 1, 0), dtype)}},
            ir::Type::tensor(DType::Bool, x->type()->shape()));
  ir::Value* value = scalarConst(ctx, numberArg(ctx, node, 2, 0), dtype);
  ctx.bind(node.output(), b.op1("select", {{"cond", keep}, {"a", x}, {"b", value}}, x->type()));
}

// glu(x, dim) = a * sigmoid(b) for the two halves of x along dim.
void lowerGlu(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  const Shape& shape = knownShape(ctx, node, x);
  int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), static_cast<int64_t>(shape.size()));
  int64_t half = shape[static_cast<size_t>(axis)] / 2;
  if (shape[static_cast<size_t>(axis)] % 2 != 0) ctx.fail(node, "glu needs an even size along dim");
  ir::Value* a = sliceAlong(ctx, x, axis, 0, half, false);
  ir::Value* g = sliceAlong(ctx, x, axis, half, 2 * half, false);
  ctx.bind(node.output(), binaryMil(ctx, "mul", a, unaryMil(ctx, "sigmoid", g)));
}

// softmax(self, dim, dtype) and log_softmax: x - logsumexp(x) (stable, and both backends have it).
LoweringFn softmax(bool log) {
  return [log](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
    x = castTo(ctx, x, *outputType(node)->dtype());
    int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
    int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
    auto& b = ctx.builder();
    if (!log) {
      ctx.bind(node.output(), b.op1("softmax", {{"x", x}, {"axis", b.constInt(axis)}}, x->type()));
      return;
    }
    Shape reduced = *x->type()->shape();
    reduced[static_cast<size_t>(axis)] = 1;
    ir::Value* lse =
        b.op1("reduce_log_sum_exp",
              {{"x", x}, {"axes", b.constIntVector({axis})}, {"keep_dims", b.constBool(true)}},
              ir::Type::tensor(dtypeOf(x), reduced));
    ctx.bind(node.output(), binaryMil(ctx, "sub", x, lse));
  };
}

}  // namespace

void registerActivationParamOps(LoweringTable& table) {
  table["aten::gelu"] = lowerGelu;
  table["aten::elu"] = lowerElu;
  table["aten::selu"] = lowerSelu;
  table["aten::celu"] = lowerCelu;
  table["aten::leaky_relu"] = lowerLeakyRelu;
  table["aten::rrelu"] = lowerRrelu;
  table["aten::softplus"] = lowerSoftplus;
  table["aten::mish"] = lowerMish;
  table["aten::log_sigmoid"] = lowerLogSigmoid;
  table["aten::prelu"] = lowerPrelu;
  table["aten::hardshrink"] = lowerHardshrink;
  table["aten::softshrink"] = lowerSoftshrink;
  table["aten::threshold"] = lowerThreshold;
  table["aten::glu"] = lowerGlu;
  table["aten::softmax"] = softmax(false);
  table["aten::log_softmax"] = softmax(true);

  // Result types (aten_op_table.h).
  for (const char* name :
       {"aten::gelu", "aten::leaky_relu", "aten::softmax", "aten::log_softmax"}) {
    table.setShapeRule(name, passes::rules::sameAsInput());
  }
  for (const char* name :
       {"aten::elu", "aten::softplus", "aten::mish", "aten::selu", "aten::celu", "aten::hardshrink",
        "aten::softshrink", "aten::log_sigmoid", "aten::prelu", "aten::threshold", "aten::rrelu"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
  table.setShapeRule("aten::glu", passes::rules::halvedAlongDim());
}

}  // namespace ts2coreml::lower
