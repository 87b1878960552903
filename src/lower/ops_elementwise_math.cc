// Elementwise math beyond the basic arithmetic: unary functions (reciprocal, log2/log10/log1p,
// expm1, exp2, trig and hyperbolic, rounding), predicates (isnan/isinf/isfinite), logic on bool
// tensors, clamp, where/masked_fill and the composite binary ops (fmod, atan2, hypot, addcmul,
// addcdiv, lerp). Ops without a MIL counterpart are composed from ops that both
// backends have.
#include <cmath>
#include <limits>

#include "lower/op_families.h"
#include "passes/shape_inference.h"
#include "passes/shape_rules_math.h"
#include "passes/shape_rules_pool.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

using Compose = std::function<ir::Value*(LoweringContext&, ir::Value*)>;

ir::Value* mulBy(LoweringContext& ctx, ir::Value* x, double k) {
  return binaryMil(ctx, "mul", x, scalarConst(ctx, k, dtypeOf(x)));
}
ir::Value* addConst(LoweringContext& ctx, ir::Value* x, double k) {
  return binaryMil(ctx, "add", x, scalarConst(ctx, k, dtypeOf(x)));
}

// trunc(x) = sign(x) * floor(|x|)
ir::Value* truncated(LoweringContext& ctx, ir::Value* x) {
  ir::Value* magnitude = unaryMil(ctx, "floor", unaryMil(ctx, "abs", x));
  return binaryMil(ctx, "mul", unaryMil(ctx, "sign", x), magnitude);
}

// A one-input op computed in floating point (integer inputs become fp32, as in torch).
LoweringFn floatUnary(Compose compose) {
  return [compose](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), compose(ctx, toFloat(ctx, ctx.get(node.input(0)))));
  };
}

LoweringFn milUnary(ir::MilOpName op) {
  return floatUnary([op](LoweringContext& ctx, ir::Value* x) { return unaryMil(ctx, op, x); });
}

// A one-input op that keeps integer inputs integral (rounding is then the identity).
LoweringFn rounding(Compose compose) {
  return [compose](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(), isFloatingPoint(dtypeOf(x)) ? compose(ctx, x) : x);
  };
}

ir::Value* infinity(LoweringContext& ctx) {
  return scalarConst(ctx, std::numeric_limits<double>::infinity(), DType::Float32);
}

LoweringFn predicate(std::function<ir::Value*(LoweringContext&, ir::Value*)> compose) {
  return [compose](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), compose(ctx, toFloat(ctx, ctx.get(node.input(0)))));
  };
}

ir::Value* compare(LoweringContext& ctx, ir::MilOpName op, ir::Value* x, ir::Value* y) {
  std::optional<Shape> shape;
  if (x->type()->shape() && y->type()->shape())
    shape = passes::broadcastShapes(*x->type()->shape(), *y->type()->shape());
  return ctx.builder().op1(op, {{"x", x}, {"y", y}}, ir::Type::tensor(DType::Bool, shape));
}

// Bool logic. Integer bitwise ops have no MIL counterpart.
LoweringFn logic(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ir::Value* y = ctx.get(node.input(1));
    if (node.kind().rfind("aten::bitwise", 0) == 0 &&
        (dtypeOf(x) != DType::Bool || dtypeOf(y) != DType::Bool))
      ctx.fail(node,
               "bitwise ops are supported on bool tensors only (Core ML has no integer "
               "bit operations)");
    x = castTo(ctx, x, DType::Bool);
    y = castTo(ctx, y, DType::Bool);
    ctx.bind(node.output(), ctx.builder().op1(op, {{"x", x}, {"y", y}}, outputType(node)));
  };
}

void lowerNot(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  if (node.kind() == "aten::bitwise_not" && dtypeOf(x) != DType::Bool) {
    // ~x = -x - 1 on two's complement integers.
    ctx.bind(node.output(), addConst(ctx, mulBy(ctx, x, -1), -1));
    return;
  }
  ctx.bind(node.output(), unaryMil(ctx, "logical_not", castTo(ctx, x, DType::Bool)));
}

// clamp(self, min?, max?) with scalar or tensor bounds; clamp_min / clamp_max.
void lowerClamp(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  DType dtype = *outputType(node)->dtype();
  x = castTo(ctx, x, dtype);
  const std::string& kind = node.kind();
  std::optional<size_t> low, high;
  if (kind == "aten::clamp_min") low = 1;
  if (kind == "aten::clamp_max") high = 1;
  if (kind == "aten::clamp") {
    if (!ctx.isNone(node.input(1))) low = 1;
    if (node.inputs().size() > 2 && !ctx.isNone(node.input(2))) high = 2;
  }
  auto lowC = low ? ctx.constant(node.input(*low)) : std::nullopt;
  auto highC = high ? ctx.constant(node.input(*high)) : std::nullopt;
  auto& b = ctx.builder();
  if (low && high && lowC && highC && isFloatingPoint(dtype) && !lowC->isTensor() &&
      !highC->isTensor()) {
    ctx.bind(node.output(), b.op1("clip",
                                  {{"x", x},
                                   {"alpha", scalarConst(ctx, lowC->toNumber(), dtype)},
                                   {"beta", scalarConst(ctx, highC->toNumber(), dtype)}},
                                  x->type()));
    return;
  }
  if (low) x = binaryMil(ctx, "maximum", x, castTo(ctx, ctx.get(node.input(*low)), dtype));
  if (high) x = binaryMil(ctx, "minimum", x, castTo(ctx, ctx.get(node.input(*high)), dtype));
  ctx.bind(node.output(), x);
}

// where(condition, self, other) -> select(cond, a, b); masked_fill(self, mask, value) ->
// select(mask, value, self).
void lowerWhere(LoweringContext& ctx, const ir::Node& node) {
  if (node.inputs().size() != 3) ctx.fail(node, "where(condition) (nonzero) is not supported");
  ir::TypePtr type = outputType(node);
  DType dtype = *type->dtype();
  ir::Value* cond = castTo(ctx, ctx.get(node.input(0)), DType::Bool);
  ir::Value* a = castTo(ctx, ctx.get(node.input(1)), dtype);
  ir::Value* b = castTo(ctx, ctx.get(node.input(2)), dtype);
  // coremltools types select as the broadcast of a and b alone (not cond): one of them must have
  // the result's shape for the program to validate.
  if (type->shape() && a->type()->shape() != type->shape() && b->type()->shape() != type->shape())
    b = broadcastTo(ctx, b, *type->shape());
  ctx.bind(node.output(), ctx.builder().op1("select", {{"cond", cond}, {"a", a}, {"b", b}}, type));
}

void lowerMaskedFill(LoweringContext& ctx, const ir::Node& node) {
  ir::TypePtr type = outputType(node);
  DType dtype = *type->dtype();
  ir::Value* self = castTo(ctx, ctx.get(node.input(0)), dtype);
  ir::Value* mask = castTo(ctx, ctx.get(node.input(1)), DType::Bool);
  ir::Value* value = castTo(ctx, ctx.get(node.input(2)), dtype);
  ctx.bind(node.output(),
           ctx.builder().op1("select", {{"cond", mask}, {"a", value}, {"b", self}}, type));
}

using Binary = std::function<ir::Value*(LoweringContext&, ir::Value*, ir::Value*)>;

// A two-input op computed in the promoted dtype (fp32 when `floating` and both are integers),
// cast to the result dtype at the end.
LoweringFn composedBinary(Binary compose, bool floating) {
  return [compose, floating](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ir::Value* y = ctx.get(node.input(1));
    DType dtype = promotedDType(x, y);
    if (floating && !isFloatingPoint(dtype)) dtype = DType::Float32;
    ir::Value* r = compose(ctx, castTo(ctx, x, dtype), castTo(ctx, y, dtype));
    ctx.bind(node.output(), castTo(ctx, r, *outputType(node)->dtype()));
  };
}

// fmod: x - trunc(x / y) * y, the remainder with the sign of the dividend.
ir::Value* fmod(LoweringContext& ctx, ir::Value* x, ir::Value* y) {
  ir::Value* q = truncated(ctx, binaryMil(ctx, "real_div", x, y));
  return binaryMil(ctx, "sub", x, binaryMil(ctx, "mul", q, y));
}

// atan2(y, x) = atan(y / x) + pi * [x < 0] * (y >= 0 ? 1 : -1).
ir::Value* atan2(LoweringContext& ctx, ir::Value* y, ir::Value* x) {
  ir::Value* angle = unaryMil(ctx, "atan", binaryMil(ctx, "real_div", y, x));
  ir::Value* zero = scalarConst(ctx, 0, dtypeOf(x));
  ir::Value* left = castTo(ctx, compare(ctx, "less", x, zero), dtypeOf(x));
  ir::Value* upper = castTo(ctx, compare(ctx, "greater_equal", y, zero), dtypeOf(x));
  ir::Value* side = addConst(ctx, mulBy(ctx, upper, 2 * M_PI), -M_PI);
  return binaryMil(ctx, "add", angle, binaryMil(ctx, "mul", left, side));
}

ir::Value* hypot(LoweringContext& ctx, ir::Value* x, ir::Value* y) {
  ir::Value* sum = binaryMil(ctx, "add", binaryMil(ctx, "mul", x, x), binaryMil(ctx, "mul", y, y));
  return unaryMil(ctx, "sqrt", sum);
}

// logaddexp(a, b) = max(a, b) + log(1 + exp(-|a - b|)), stable for large inputs.
ir::Value* logaddexp(LoweringContext& ctx, ir::Value* a, ir::Value* b) {
  ir::Value* gap = mulBy(ctx, unaryMil(ctx, "abs", binaryMil(ctx, "sub", a, b)), -1);
  ir::Value* tail = unaryMil(ctx, "log", addConst(ctx, unaryMil(ctx, "exp", gap), 1));
  return binaryMil(ctx, "add", binaryMil(ctx, "maximum", a, b), tail);
}

// logit(self, eps?) = log(z / (1 - z)) with z = clamp(x, eps, 1 - eps) when eps is given.
void lowerLogit(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  if (node.inputs().size() > 1 && !ctx.isNone(node.input(1))) {
    auto eps = ctx.constant(node.input(1));
    if (!eps) ctx.fail(node, "eps must be a constant");
    double e = eps->toNumber();
    x = ctx.builder().op1("clip",
                          {{"x", x},
                           {"alpha", scalarConst(ctx, e, dtypeOf(x))},
                           {"beta", scalarConst(ctx, 1 - e, dtypeOf(x))}},
                          x->type());
  }
  ir::Value* odds = binaryMil(ctx, "real_div", x, addConst(ctx, mulBy(ctx, x, -1), 1));
  ctx.bind(node.output(), unaryMil(ctx, "log", odds));
}

// nan_to_num(self, nan?, posinf?, neginf?): NaN -> nan (0), +-inf -> the largest finite fp32
// values unless given.
void lowerNanToNum(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  if (!isFloatingPoint(dtypeOf(x))) return ctx.bind(node.output(), x);
  auto number = [&](size_t input, double fallback) {
    if (node.inputs().size() <= input || ctx.isNone(node.input(input))) return fallback;
    auto v = ctx.constant(node.input(input));
    if (!v) ctx.fail(node, "the replacement values must be constants");
    return v->toNumber();
  };
  double big = std::numeric_limits<float>::max();
  auto& b = ctx.builder();
  auto replace = [&](ir::Value* cond, double value, ir::Value* v) {
    return b.op1("select", {{"cond", cond}, {"a", scalarConst(ctx, value, dtypeOf(v))}, {"b", v}},
                 v->type());
  };
  ir::Value* y = replace(compare(ctx, "not_equal", x, x), number(1, 0.0), x);
  y = replace(compare(ctx, "equal", y, infinity(ctx)), number(2, big), y);
  y = replace(compare(ctx, "equal", y, mulBy(ctx, infinity(ctx), -1)), number(3, -big), y);
  ctx.bind(node.output(), y);
}

// addcmul / addcdiv(self, t1, t2, value) = self + value * (t1 op t2);
// lerp(self, end, weight) = self + weight * (end - self).
LoweringFn ternary(const std::string& kind) {
  return [kind](LoweringContext& ctx, const ir::Node& node) {
    DType dtype = *outputType(node)->dtype();
    ir::Value* self = castTo(ctx, ctx.get(node.input(0)), dtype);
    ir::Value* a = castTo(ctx, ctx.get(node.input(1)), dtype);
    ir::Value* b = castTo(ctx, ctx.get(node.input(2)), dtype);
    ir::Value* term;
    if (kind == "lerp") {
      term = binaryMil(ctx, "mul", binaryMil(ctx, "sub", a, self), b);
    } else {
      term = binaryMil(ctx, kind == "addcmul" ? ir::MilOpName("mul") : ir::MilOpName("real_div"), a,
                       b);
      auto value = ctx.constant(node.input(3));
      if (!value) ctx.fail(node, "value must be a constant");
      if (value->toNumber() != 1.0) term = mulBy(ctx, term, value->toNumber());
    }
    ctx.bind(node.output(), binaryMil(ctx, "add", self, term));
  };
}

// diff(self, n=1, dim=-1, prepend?, append?): x[1:] - x[:-1] along dim, n times, after joining
// prepend and append. Position ids are the usual input; on constants it is evaluated at
// conversion time.
void lowerDiff(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  if (dtypeOf(x) == DType::Bool) ctx.fail(node, "diff of a bool tensor is not supported");
  const int64_t n = ctx.constantInt(node, 1);
  if (n < 0) ctx.fail(node, "order must be non-negative");
  const int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  const int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 2), rank);
  std::vector<ir::Value*> parts;
  for (size_t i : {size_t{3}, size_t{0}, size_t{4}}) {
    if (i == 0)
      parts.push_back(x);
    else if (!ctx.isNone(node.input(i)))
      parts.push_back(castTo(ctx, ctx.get(node.input(i)), dtypeOf(x)));
  }
  if (parts.size() > 1) {
    auto& b = ctx.builder();
    std::vector<NamedInput> inputs;
    Shape joined = knownShape(ctx, node, parts[0]);
    joined[static_cast<size_t>(axis)] = 0;
    for (ir::Value* part : parts) {
      inputs.emplace_back("values", part);
      joined[static_cast<size_t>(axis)] += knownShape(ctx, node, part)[static_cast<size_t>(axis)];
    }
    inputs.emplace_back("axis", b.constInt(axis));
    inputs.emplace_back("interleave", b.constBool(false));
    x = b.op("concat", inputs, {milTensor(dtypeOf(x), joined)})->output();
  }
  for (int64_t step = 0; step < n; ++step) {
    const int64_t length = knownShape(ctx, node, x)[static_cast<size_t>(axis)];
    if (length <= 1) ctx.fail(node, "diff needs more items along the dimension than its order");
    ir::Value* later = sliceAlong(ctx, x, axis, 1, length, false);
    ir::Value* earlier = sliceAlong(ctx, x, axis, 0, length - 1, false);
    x = binaryMil(ctx, "sub", later, earlier);
  }
  ctx.bind(node.output(), x);
}

}  // namespace

void registerElementwiseMathOps(LoweringTable& table) {
  table["aten::diff"] = lowerDiff;
  for (ir::MilOpName op : {ir::MilOpName("tan"), ir::MilOpName("asin"), ir::MilOpName("acos"),
                           ir::MilOpName("atan"), ir::MilOpName("sinh"), ir::MilOpName("cosh")})
    table["aten::" + op.str()] = milUnary(op);
  table["aten::reciprocal"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    return binaryMil(ctx, "real_div", scalarConst(ctx, 1, dtypeOf(x)), x);
  });
  table["aten::log2"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    return mulBy(ctx, unaryMil(ctx, "log", x), 1 / M_LN2);
  });
  table["aten::log10"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    return mulBy(ctx, unaryMil(ctx, "log", x), 1 / M_LN10);
  });
  table["aten::log1p"] = floatUnary(
      [](LoweringContext& ctx, ir::Value* x) { return unaryMil(ctx, "log", addConst(ctx, x, 1)); });
  table["aten::expm1"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    return addConst(ctx, unaryMil(ctx, "exp", x), -1);
  });
  table["aten::exp2"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    return unaryMil(ctx, "exp", mulBy(ctx, x, M_LN2));
  });
  table["aten::erfc"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    return addConst(ctx, mulBy(ctx, unaryMil(ctx, "erf", x), -1), 1);
  });
  // asinh = log(x + sqrt(x^2 + 1)), acosh = log(x + sqrt(x^2 - 1)), atanh = log((1+x)/(1-x))/2
  table["aten::asinh"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    ir::Value* root = unaryMil(ctx, "sqrt", addConst(ctx, binaryMil(ctx, "mul", x, x), 1));
    return unaryMil(ctx, "log", binaryMil(ctx, "add", x, root));
  });
  table["aten::acosh"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    ir::Value* root = unaryMil(ctx, "sqrt", addConst(ctx, binaryMil(ctx, "mul", x, x), -1));
    return unaryMil(ctx, "log", binaryMil(ctx, "add", x, root));
  });
  table["aten::atanh"] = floatUnary([](LoweringContext& ctx, ir::Value* x) {
    ir::Value* ratio =
        binaryMil(ctx, "real_div", addConst(ctx, x, 1), addConst(ctx, mulBy(ctx, x, -1), 1));
    return mulBy(ctx, unaryMil(ctx, "log", ratio), 0.5);
  });
  table["aten::deg2rad"] =
      floatUnary([](LoweringContext& ctx, ir::Value* x) { return mulBy(ctx, x, M_PI / 180); });
  table["aten::rad2deg"] =
      floatUnary([](LoweringContext& ctx, ir::Value* x) { return mulBy(ctx, x, 180 / M_PI); });
  table["aten::sgn"] = [](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), unaryMil(ctx, "sign", ctx.get(node.input(0))));
  };
  table["aten::logit"] = lowerLogit;
  table["aten::nan_to_num"] = lowerNanToNum;
  table["aten::logaddexp"] = composedBinary(logaddexp, true);
  table["aten::round"] = [](LoweringContext& ctx, const ir::Node& node) {
    if (node.inputs().size() > 1) ctx.fail(node, "round(decimals=...) is not supported");
    rounding([](LoweringContext& c, ir::Value* x) { return unaryMil(c, "round", x); })(ctx, node);
  };
  table["aten::trunc"] = rounding(truncated);
  table["aten::frac"] = rounding([](LoweringContext& ctx, ir::Value* x) {
    return binaryMil(ctx, "sub", x, truncated(ctx, x));
  });
  table["aten::square"] = [](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(), binaryMil(ctx, "mul", x, x));
  };
  table["aten::positive"] = [](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), ctx.get(node.input(0)));
  };
  table["aten::isnan"] =
      predicate([](LoweringContext& ctx, ir::Value* x) { return compare(ctx, "not_equal", x, x); });
  table["aten::isinf"] = predicate([](LoweringContext& ctx, ir::Value* x) {
    return compare(ctx, "equal", unaryMil(ctx, "abs", x), infinity(ctx));
  });
  table["aten::isfinite"] = predicate([](LoweringContext& ctx, ir::Value* x) {
    return compare(ctx, "less", unaryMil(ctx, "abs", x), infinity(ctx));
  });
  table["aten::logical_not"] = lowerNot;
  table["aten::bitwise_not"] = lowerNot;
  table["aten::logical_xor"] = logic("logical_xor");
  table["aten::bitwise_and"] = logic("logical_and");
  table["aten::bitwise_or"] = logic("logical_or");
  table["aten::bitwise_xor"] = logic("logical_xor");
  table["aten::clamp"] = lowerClamp;
  table["aten::clamp_min"] = lowerClamp;
  table["aten::clamp_max"] = lowerClamp;
  table["aten::where"] = lowerWhere;
  table["aten::masked_fill"] = lowerMaskedFill;
  table["aten::fmod"] = composedBinary(fmod, true);
  table["aten::atan2"] = composedBinary(atan2, true);
  table["aten::hypot"] = composedBinary(hypot, true);
  table["aten::addcmul"] = ternary("addcmul");
  table["aten::addcdiv"] = ternary("addcdiv");
  table["aten::lerp"] = ternary("lerp");

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::sgn", "aten::nan_to_num", "aten::round", "aten::trunc",
                           "aten::frac", "aten::square", "aten::clamp", "aten::clamp_min",
                           "aten::clamp_max", "aten::bitwise_not", "aten::positive"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
  for (const char* name :
       {"aten::reciprocal", "aten::log2", "aten::log10", "aten::log1p", "aten::expm1", "aten::exp2",
        "aten::tan", "aten::asin", "aten::deg2rad", "aten::rad2deg", "aten::logit", "aten::acos",
        "aten::atan", "aten::sinh", "aten::cosh", "aten::asinh", "aten::acosh", "aten::atanh",
        "aten::erfc"}) {
    table.setShapeRule(name, passes::rules::floatingPointOfInput());
  }
  for (const char* name : {"aten::isnan", "aten::isinf", "aten::isfinite", "aten::logical_not"}) {
    table.setShapeRule(name, passes::rules::boolOfInput());
  }
  table.setShapeRule("aten::diff", passes::rules::difference());
  table.setShapeRule("aten::where", passes::rules::where());
  for (const char* name : {"aten::addcmul", "aten::addcdiv", "aten::lerp"}) {
    table.setShapeRule(name, passes::rules::pointwiseOfThree());
  }
  for (const char* name :
       {"aten::fmod", "aten::bitwise_and", "aten::bitwise_or", "aten::bitwise_xor"}) {
    table.setShapeRule(name, passes::rules::broadcastBinary(passes::rules::BinaryResult::Promoted));
  }
  table.setShapeRule("aten::masked_fill",
                     passes::rules::broadcastBinary(passes::rules::BinaryResult::FirstOperand));
  table.setShapeRule("aten::logical_xor",
                     passes::rules::broadcastBinary(passes::rules::BinaryResult::Bool));
  for (const char* name : {"aten::atan2", "aten::hypot", "aten::logaddexp"}) {
    table.setShapeRule(name,
                       passes::rules::broadcastBinary(passes::rules::BinaryResult::FloatingPoint));
  }

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("aten::log2", passes::folds::math(passes::folds::MathFunction::Log2));
  table.setFold("aten::log10", passes::folds::math(passes::folds::MathFunction::Log10));
  table.setFold("aten::fabs", passes::folds::math(passes::folds::MathFunction::Fabs));
}

}  // namespace ts2coreml::lower
