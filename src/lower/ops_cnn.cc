// The CNN ops around convolutions: batch_norm (eval statistics) -> mil.batch_norm, max/avg
// pooling -> max_pool / avg_pool with explicit padding, adaptive average pooling (global ->
// reduce_mean, evenly divisible sizes -> avg_pool), flatten -> reshape to the static shape.
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_cnn.h"
#include "passes/shape_rules_indexing.h"

namespace ts2coreml::lower {

namespace {

std::vector<int64_t> pair(LoweringContext& ctx, const ir::Node& node, size_t input) {
  std::vector<int64_t> v = ctx.constantInts(node, input);
  if (v.size() == 1) v.assign(2, v[0]);
  if (v.size() != 2) ctx.fail(node, "expects two spatial sizes");
  return v;
}

// batch_norm(input, weight?, bias?, running_mean, running_var, training, momentum, eps, cudnn)
void lowerBatchNorm(LoweringContext& ctx, const ir::Node& node) {
  if (ctx.constantBool(node, 5)) return lowerBatchNormWithBatchStatistics(ctx, node);
  if (ctx.isNone(node.input(3)) || ctx.isNone(node.input(4)))
    ctx.fail(node, "batch norm without running statistics is not supported");
  std::vector<NamedInput> inputs{{"x", ctx.get(node.input(0))},
                                 {"mean", ctx.get(node.input(3))},
                                 {"variance", ctx.get(node.input(4))}};
  if (!ctx.isNone(node.input(1))) inputs.emplace_back("gamma", ctx.get(node.input(1)));
  if (!ctx.isNone(node.input(2))) inputs.emplace_back("beta", ctx.get(node.input(2)));
  auto eps = ctx.constant(node.input(7));
  inputs.emplace_back("epsilon", ctx.builder().constFloat(eps ? eps->toNumber() : 1e-5));
  ctx.bind(node.output(),
           ctx.builder().op("batch_norm", inputs, {milTypeOf(node.output()->type())})->output());
}

// max_pool2d(input, kernel, stride, padding, dilation, ceil_mode);
// avg_pool2d(input, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override).
LoweringFn pool(bool isMax) {
  return [isMax](LoweringContext& ctx, const ir::Node& node) {
    std::vector<int64_t> kernel = pair(ctx, node, 1);
    std::vector<int64_t> stride = ctx.constantInts(node, 2);
    if (stride.empty()) stride = kernel;
    if (stride.size() == 1) stride.assign(2, stride[0]);
    std::vector<int64_t> padding = pair(ctx, node, 3);
    if (isMax) {
      std::vector<int64_t> dilation = pair(ctx, node, 4);
      if (dilation[0] != 1 || dilation[1] != 1) ctx.fail(node, "dilated pooling is not supported");
    }
    bool ceil = ctx.constantBool(node, isMax ? 5 : 4);
    auto& b = ctx.builder();
    std::vector<NamedInput> inputs{
        {"x", ctx.get(node.input(0))},
        {"kernel_sizes", b.constIntVector(kernel)},
        {"strides", b.constIntVector(stride)},
        {"pad_type", b.constString("custom")},
        {"pad", b.constIntVector({padding[0], padding[0], padding[1], padding[1]})},
        {"ceil_mode", b.constBool(ceil)}};
    if (!isMax) {
      if (node.inputs().size() > 6 && !ctx.isNone(node.input(6)))
        ctx.fail(node, "divisor_override is not supported");
      bool countPad = ctx.constantBool(node, 5);
      inputs.emplace_back("exclude_padding_from_average", b.constBool(!countPad));
    }
    ctx.bind(node.output(), b.op(isMax ? ir::MilOpName("max_pool") : ir::MilOpName("avg_pool"),
                                 inputs, {milTypeOf(node.output()->type())})
                                ->output());
  };
}

// [out, in] matrix whose row i averages torch's adaptive window i: [floor(i*in/out),
// ceil((i+1)*in/out)).
Tensor averagingMatrix(int64_t in, int64_t out) {
  Tensor m(DType::Float32, Shape{out, in});
  float* data = m.mutableData<float>();
  for (int64_t i = 0; i < out; ++i) {
    int64_t start = (i * in) / out, end = ((i + 1) * in + out - 1) / out;
    for (int64_t j = start; j < end; ++j) data[i * in + j] = 1.0f / static_cast<float>(end - start);
  }
  return m;
}

LoweringFn adaptivePool(bool isMax) {
  return [isMax](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    const Shape& in = *x->type()->shape();
    std::vector<int64_t> out = pair(ctx, node, 1);
    int64_t h = in[in.size() - 2], w = in[in.size() - 1];
    auto& b = ctx.builder();
    ir::TypePtr type = milTypeOf(node.output()->type());
    if (out[0] == 1 && out[1] == 1) {
      ctx.bind(
          node.output(),
          b.op1(isMax ? ir::MilOpName("reduce_max") : ir::MilOpName("reduce_mean"),
                {{"x", x}, {"axes", b.constIntVector({-2, -1})}, {"keep_dims", b.constBool(true)}},
                type));
      return;
    }
    requireStaticTrailingDims(ctx, node, x, 2, "adaptive pooling to a size other than 1x1");
    if ((h % out[0] != 0 || w % out[1] != 0) && !isMax) {
      // Windows that overlap or repeat (e.g. VGG's 7x7 pool of a small input): two matmuls.
      ctx.bind(node.output(), applySeparable(ctx, x, averagingMatrix(h, out[0]),
                                             averagingMatrix(w, out[1]), type));
      return;
    }
    if (h % out[0] != 0 || w % out[1] != 0)
      ctx.fail(node,
               "adaptive max pooling to a size that does not divide the input is not supported");
    std::vector<int64_t> kernel{h / out[0], w / out[1]};
    std::vector<NamedInput> inputs{{"x", x},
                                   {"kernel_sizes", b.constIntVector(kernel)},
                                   {"strides", b.constIntVector(kernel)},
                                   {"pad_type", b.constString("valid")}};
    if (!isMax) inputs.emplace_back("exclude_padding_from_average", b.constBool(true));
    ctx.bind(node.output(),
             b.op(isMax ? ir::MilOpName("max_pool") : ir::MilOpName("avg_pool"), inputs, {type})
                 ->output());
  };
}

void lowerFlatten(LoweringContext& ctx, const ir::Node& node) {
  ir::TypePtr type = milTypeOf(node.output()->type());
  const auto& shape = type->shape();
  if (!shape) ctx.fail(node, "the result's shape must be known");
  ctx.bind(node.output(), ctx.builder().op1("reshape",
                                            {{"x", ctx.get(node.input(0))},
                                             {"shape", ctx.builder().constIntVector(*shape)}},
                                            type));
}

// dropout in eval mode returns its input; in training mode it is random, which Core ML is not.
void lowerDropout(LoweringContext& ctx, const ir::Node& node) {
  if (ctx.constantBool(node, 2)) ctx.fail(node, "dropout in training mode (call .eval())");
  ctx.bind(node.output(), ctx.get(node.input(0)));
}

ir::Value* clip(LoweringContext& ctx, ir::Value* x, double low, double high) {
  auto& b = ctx.builder();
  return b.op1("clip", {{"x", x}, {"alpha", b.constFloat(low)}, {"beta", b.constFloat(high)}},
               x->type());
}

// hardsigmoid(x) = clip(x / 6 + 1/2, 0, 1)
ir::Value* hardSigmoid(LoweringContext& ctx, ir::Value* x) {
  auto& b = ctx.builder();
  ir::Value* scaled = b.op1("mul", {{"x", x}, {"y", b.constFloat(1.0 / 6.0)}}, x->type());
  ir::Value* shifted = b.op1("add", {{"x", scaled}, {"y", b.constFloat(0.5)}}, x->type());
  return clip(ctx, shifted, 0.0, 1.0);
}

void lowerHardtanh(LoweringContext& ctx, const ir::Node& node) {
  auto low = ctx.constant(node.input(1)), high = ctx.constant(node.input(2));
  if (!low || !high) ctx.fail(node, "the bounds must be constants");
  ctx.bind(node.output(), clip(ctx, ctx.get(node.input(0)), low->toNumber(), high->toNumber()));
}

// transpose(x, a, b) and permute(x, dims) -> mil.transpose with the full permutation.
LoweringFn permutation(bool swapTwo) {
  return [swapTwo](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    int64_t rank = static_cast<int64_t>(x->type()->shape()->size());
    auto normalize = [&](int64_t d) {
      if (d < 0) d += rank;
      if (d < 0 || d >= rank) ctx.fail(node, "dimension out of range");
      return d;
    };
    std::vector<int64_t> perm;
    if (swapTwo) {
      for (int64_t d = 0; d < rank; ++d) perm.push_back(d);
      std::swap(perm[normalize(ctx.constantInt(node, 1))],
                perm[normalize(ctx.constantInt(node, 2))]);
    } else {
      for (int64_t d : ctx.constantInts(node, 1)) perm.push_back(normalize(d));
    }
    auto& b = ctx.builder();
    ctx.bind(node.output(), b.op1("transpose", {{"x", x}, {"perm", b.constIntVector(perm)}},
                                  milTypeOf(node.output()->type())));
  };
}

}  // namespace

void registerCnnOps(LoweringTable& table) {
  for (const char* name : {"aten::dropout", "aten::feature_dropout", "aten::alpha_dropout"})
    table[name] = lowerDropout;
  table["aten::hardtanh"] = lowerHardtanh;
  table["aten::relu6"] = [](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), clip(ctx, ctx.get(node.input(0)), 0.0, 6.0));
  };
  table["aten::hardsigmoid"] = [](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(), hardSigmoid(ctx, ctx.get(node.input(0))));
  };
  table["aten::hardswish"] = [](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ctx.bind(node.output(),
             ctx.builder().op1("mul", {{"x", x}, {"y", hardSigmoid(ctx, x)}}, x->type()));
  };
  table["aten::transpose"] = permutation(true);
  table["aten::permute"] = permutation(false);
  table["aten::batch_norm"] = lowerBatchNorm;
  table["aten::max_pool2d"] = pool(true);
  table["aten::avg_pool2d"] = pool(false);
  table["aten::adaptive_avg_pool2d"] = adaptivePool(false);
  table["aten::adaptive_max_pool2d"] = adaptivePool(true);
  table["aten::flatten"] = lowerFlatten;

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::dropout", "aten::hardtanh", "aten::batch_norm"}) {
    table.setShapeRule(name, passes::rules::sameAsInput());
  }
  for (const char* name : {"aten::relu6", "aten::hardswish", "aten::hardsigmoid",
                           "aten::feature_dropout", "aten::alpha_dropout"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
  table.setShapeRule("aten::max_pool2d", passes::rules::pooling(true));
  table.setShapeRule("aten::avg_pool2d", passes::rules::pooling(false));
  table.setShapeRule("aten::adaptive_avg_pool2d", passes::rules::adaptivePooling());
  table.setShapeRule("aten::adaptive_max_pool2d", passes::rules::adaptivePooling());
  table.setShapeRule("aten::flatten", passes::rules::flatten());
  table.setShapeRule("aten::transpose", passes::rules::transposed());
  table.setShapeRule("aten::permute", passes::rules::permuted());
}

}  // namespace ts2coreml::lower
