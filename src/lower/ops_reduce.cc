// Reductions: mean/sum -> reduce_mean/reduce_sum; max/min of the whole tensor (reduce), of two
// tensors (elementwise maximum/minimum) and along a dim (values and indices); amax/amin,
// argmax/argmin, prod, std/var (with unbiased or correction), norm / linalg_vector_norm
// (p = 1, 2, inf), logsumexp, all/any, and cumsum (a matmul with a triangular constant).
#include <cmath>

#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_math.h"
#include "passes/shape_rules_pool.h"

namespace ts2coreml::lower {

namespace {

// The axes a reduction's `dim` argument names (all axes when None or empty), normalized.
std::vector<int64_t> reductionAxes(LoweringContext& ctx, const ir::Node& node, size_t input,
                                   int64_t rank) {
  std::vector<int64_t> axes;
  if (node.inputs().size() > input && !ctx.isNone(node.input(input)))
    for (int64_t d : ctx.constantInts(node, input)) axes.push_back(axisOf(ctx, node, d, rank));
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  return axes;
}

Shape reducedShape(const Shape& shape, const std::vector<int64_t>& axes, bool keep) {
  Shape out;
  for (size_t i = 0; i < shape.size(); ++i) {
    bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
    if (!reduced) {
      out.push_back(shape[i]);
    } else if (keep) {
      out.push_back(1);
    }
  }
  return out;
}

ir::Value* reduce(LoweringContext& ctx, ir::MilOpName op, ir::Value* x,
                  const std::vector<int64_t>& axes, bool keep) {
  auto& b = ctx.builder();
  Shape out = reducedShape(*x->type()->shape(), axes, keep);
  return b.op1(op, {{"x", x}, {"axes", b.constIntVector(axes)}, {"keep_dims", b.constBool(keep)}},
               ir::Type::tensor(dtypeOf(x), out));
}

bool keepArg(LoweringContext& ctx, const ir::Node& node, size_t input) {
  return node.inputs().size() > input && ctx.constantBool(node, input);
}

// amax/amin/logsumexp(self, dim[], keepdim); prod(self, dtype) / prod.dim_int(self, dim, keepdim,
// dtype).
LoweringFn simpleReduce(ir::MilOpName op, bool floating) {
  return [op, floating](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    if (floating) x = toFloat(ctx, x);
    int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
    bool wholeTensor = node.inputs().size() <= 2;  // prod(self, dtype)
    std::vector<int64_t> axes =
        wholeTensor ? reductionAxes(ctx, node, 99, rank) : reductionAxes(ctx, node, 1, rank);
    bool keep = !wholeTensor && keepArg(ctx, node, 2);
    ir::Value* r = rank == 0 ? x : reduce(ctx, op, x, axes, keep);
    ctx.bind(node.output(), castTo(ctx, r, *outputType(node)->dtype()));
  };
}

// argmax/argmin(self, dim?, keepdim): over the flattened tensor when dim is None.
LoweringFn argReduce(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    const Shape shape = knownShape(ctx, node, x);
    auto& b = ctx.builder();
    bool keep = keepArg(ctx, node, 2);
    int64_t axis = 0;
    if (ctx.isNone(node.input(1))) {
      x = reshapeTo(ctx, x, {shapeNumel(shape)});
    } else {
      axis = axisOf(ctx, node, ctx.constantInt(node, 1), static_cast<int64_t>(shape.size()));
    }
    ir::TypePtr type = outputType(node);
    ctx.bind(
        node.output(),
        b.op1(op, {{"x", x}, {"axis", b.constInt(axis)}, {"keep_dims", b.constBool(keep)}}, type));
  };
}

// max/min(self) -> reduce over everything; max/min(self, other) -> elementwise; max.dim /
// min.dim(self, dim, keepdim) -> (values, indices).
LoweringFn extremum(ir::MilOpName reduceOp, ir::MilOpName elementwiseOp,
                    ir::MilOpName argReduceOp) {
  return [reduceOp, elementwiseOp, argReduceOp](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    auto& b = ctx.builder();
    if (node.numOutputs() == 2) {
      int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
      int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
      bool keep = ctx.constantBool(node, 2);
      ctx.bind(node.output(0), reduce(ctx, reduceOp, x, {axis}, keep));
      ctx.bind(node.output(1),
               b.op1(argReduceOp,
                     {{"x", x}, {"axis", b.constInt(axis)}, {"keep_dims", b.constBool(keep)}},
                     outputType(node, 1)));
      return;
    }
    ir::TypePtr type = milTypeOf(node.output()->type());
    if (node.inputs().size() == 1) {
      ctx.bind(node.output(), b.op1(reduceOp, {{"x", x}, {"keep_dims", b.constBool(false)}}, type));
      return;
    }
    if (node.inputs().size() == 2 && node.input(1)->type()->isTensor()) {
      ir::Value* y = castTo(ctx, ctx.get(node.input(1)), dtypeOf(x));
      ctx.bind(node.output(), b.op1(elementwiseOp, {{"x", x}, {"y", y}}, type));
      return;
    }
    ctx.fail(node, "only the whole-tensor, two-tensor and dim forms are supported");
  };
}

// mean(Tensor self, ScalarType? dtype) or mean.dim(Tensor self, int[1]? dim, bool keepdim,
// ScalarType? dtype); sum has the same two forms.
LoweringFn reduction(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    std::vector<NamedInput> inputs{{"x", x}};
    bool allAxes = node.inputs().size() <= 2 || ctx.isNone(node.input(1));
    if (!allAxes) {
      inputs.emplace_back("axes", ctx.builder().constIntVector(ctx.constantInts(node, 1)));
      inputs.emplace_back("keep_dims", ctx.builder().constBool(ctx.constantBool(node, 2)));
    } else {
      inputs.emplace_back("keep_dims", ctx.builder().constBool(false));
    }
    ir::TypePtr type = milTypeOf(node.output()->type());
    ctx.bind(node.output(), ctx.builder().op(op, inputs, {type})->output());
  };
}

// std/var: var(self, unbiased), var.dim(self, dim?, unbiased, keepdim),
// var.correction(self, dim?, *, correction?, keepdim).
LoweringFn variance(bool root) {
  return [root](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
    const Shape shape = knownShape(ctx, node, x);
    int64_t rank = static_cast<int64_t>(shape.size());
    double correction = 1;
    std::vector<int64_t> axes;
    bool keep = false;
    auto correctionOf = [&](size_t input) {
      auto value = ctx.constant(node.input(input));
      if (!value) ctx.fail(node, "unbiased / correction must be a constant");
      if (value->isNone()) return 1.0;
      if (value->isBool()) return value->toBool() ? 1.0 : 0.0;
      return value->toNumber();
    };
    if (node.inputs().size() == 2) {
      correction = correctionOf(1);
      axes = reductionAxes(ctx, node, 99, rank);
    } else {
      axes = reductionAxes(ctx, node, 1, rank);
      correction = correctionOf(2);
      keep = keepArg(ctx, node, 3);
    }
    int64_t count = 1;
    for (int64_t a : axes) count *= shape[static_cast<size_t>(a)];
    ir::Value* centered = binaryMil(ctx, "sub", x, reduce(ctx, "reduce_mean", x, axes, true));
    ir::Value* squares =
        reduce(ctx, "reduce_sum", binaryMil(ctx, "mul", centered, centered), axes, keep);
    ir::Value* r = binaryMil(ctx, "real_div", squares,
                             scalarConst(ctx, static_cast<double>(count) - correction, dtypeOf(x)));
    ctx.bind(node.output(), root ? unaryMil(ctx, "sqrt", r) : r);
  };
}

// norm(self, p?, dim[], keepdim) (Tensor.norm) and linalg_vector_norm(self, ord, dim?, keepdim,
// dtype): p = 2 -> reduce_l2_norm, 1 -> reduce_l1_norm, inf -> max |x|.
void lowerNorm(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  double p = 2;
  if (node.inputs().size() > 1 && !ctx.isNone(node.input(1))) {
    auto value = ctx.constant(node.input(1));
    if (!value || !(value->isDouble() || value->isInt()))
      ctx.fail(node, "p must be a constant number");
    p = value->toNumber();
  }
  std::vector<int64_t> axes = node.inputs().size() > 2 ? reductionAxes(ctx, node, 2, rank)
                                                       : reductionAxes(ctx, node, 99, rank);
  bool keep = keepArg(ctx, node, 3);
  ir::Value* r = nullptr;
  if (p == 2) {
    r = reduce(ctx, "reduce_l2_norm", x, axes, keep);
  } else if (p == 1) {
    r = reduce(ctx, "reduce_l1_norm", x, axes, keep);
  } else if (std::isinf(p) && p > 0) {
    r = reduce(ctx, "reduce_max", unaryMil(ctx, "abs", x), axes, keep);
  } else {
    ctx.fail(node, "only the 1-, 2- and inf-norms are supported");
  }
  ctx.bind(node.output(), r);
}

// all/any(self) and .dim(self, dim, keepdim): min/max of (x != 0) as fp32, back to bool.
LoweringFn truthReduce(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
    if (dtypeOf(x) != DType::Bool) {
      x = ctx.builder().op1("not_equal", {{"x", x}, {"y", scalarConst(ctx, 0, dtypeOf(x))}},
                            ir::Type::tensor(DType::Bool, x->type()->shape()));
    }
    x = castTo(ctx, x, DType::Float32);
    std::vector<int64_t> axes = node.inputs().size() > 1 ? reductionAxes(ctx, node, 1, rank)
                                                         : reductionAxes(ctx, node, 99, rank);
    bool keep = keepArg(ctx, node, 2);
    ir::Value* r = rank == 0 ? x : reduce(ctx, op, x, axes, keep);
    ctx.bind(node.output(), castTo(ctx, r, DType::Bool));
  };
}

// cumsum(self, dim, dtype): moves dim last and multiplies by the upper-triangular ones matrix.
void lowerCumsum(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* input = ctx.get(node.input(0));
  DType want = *outputType(node)->dtype();
  ir::Value* x = castTo(ctx, input, DType::Float32);
  const Shape shape = knownShape(ctx, node, x);
  int64_t rank = static_cast<int64_t>(shape.size());
  if (rank == 0) return ctx.bind(node.output(), castTo(ctx, input, want));
  int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
  std::vector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis) perm.push_back(d);
  perm.push_back(axis);
  std::vector<int64_t> inverse(static_cast<size_t>(rank));
  for (int64_t i = 0; i < rank; ++i) inverse[static_cast<size_t>(perm[static_cast<size_t>(i)])] = i;
  int64_t n = shape[static_cast<size_t>(axis)];
  Tensor triangle(DType::Float32, Shape{n, n});
  float* data = triangle.mutableData<float>();
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < n; ++i) data[j * n + i] = j <= i ? 1.0f : 0.0f;
  ir::Value* moved = transposeBy(ctx, x, perm);
  auto& b = ctx.builder();
  ir::Value* summed = b.op1("matmul",
                            {{"x", moved},
                             {"y", b.constTensor(triangle)},
                             {"transpose_x", b.constBool(false)},
                             {"transpose_y", b.constBool(false)}},
                            moved->type());
  ctx.bind(node.output(), castTo(ctx, transposeBy(ctx, summed, inverse), want));
}

}  // namespace

void registerReduceOps(LoweringTable& table) {
  table["aten::amax"] = simpleReduce("reduce_max", false);
  table["aten::amin"] = simpleReduce("reduce_min", false);
  table["aten::prod"] = simpleReduce("reduce_prod", false);
  table["aten::logsumexp"] = simpleReduce("reduce_log_sum_exp", true);
  table["aten::argmax"] = argReduce("reduce_argmax");
  table["aten::argmin"] = argReduce("reduce_argmin");
  table["aten::max"] = extremum("reduce_max", "maximum", "reduce_argmax");
  table["aten::min"] = extremum("reduce_min", "minimum", "reduce_argmin");
  table["aten::mean"] = reduction("reduce_mean");
  table["aten::sum"] = reduction("reduce_sum");
  table["aten::std"] = variance(true);
  table["aten::var"] = variance(false);
  table["aten::norm"] = lowerNorm;
  table["aten::linalg_vector_norm"] = lowerNorm;
  table["aten::all"] = truthReduce("reduce_min");
  table["aten::any"] = truthReduce("reduce_max");
  table["aten::cumsum"] = lowerCumsum;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::mean", passes::rules::reduction());
  table.setShapeRule("aten::sum", passes::rules::reduction());
  table.setShapeRule("aten::cumsum", passes::rules::sameAsTensorInput());
  for (const char* name : {"aten::amax", "aten::amin"}) {
    table.setShapeRule(
        name, passes::rules::reduceAlong({passes::rules::ReduceSpec::Result::Input, 1, 2, 3}));
  }
  table.setShapeRule(
      "aten::logsumexp",
      passes::rules::reduceAlong({passes::rules::ReduceSpec::Result::FloatingPoint, 1, 2, 3}));
  for (const char* name : {"aten::argmax", "aten::argmin"}) {
    table.setShapeRule(
        name, passes::rules::reduceAlong({passes::rules::ReduceSpec::Result::Index, 1, 2, 3}));
  }
  for (const char* name : {"aten::all", "aten::any"}) {
    table.setShapeRule(
        name, passes::rules::reduceAlong({passes::rules::ReduceSpec::Result::Bool, 1, 2, 3}));
  }
  table.setShapeRule("aten::prod", passes::rules::reduceAlong(
                                       {passes::rules::ReduceSpec::Result::Input, 1, 2, 4}));
  for (const char* name : {"aten::std", "aten::var"}) {
    table.setShapeRule(name, passes::rules::reduceAlong(
                                 {passes::rules::ReduceSpec::Result::FloatingPoint, 1, 3, 4}));
  }
  for (const char* name : {"aten::norm", "aten::linalg_vector_norm"}) {
    table.setShapeRule(name, passes::rules::reduceAlong(
                                 {passes::rules::ReduceSpec::Result::FloatingPoint, 2, 3, 4}));
  }
  for (const char* name : {"aten::max", "aten::min"}) {
    table.setShapeRule(name, passes::rules::extremum());
  }
}

}  // namespace ts2coreml::lower
