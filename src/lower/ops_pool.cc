// Pooling: max/avg pooling (2-D, and 1-D as 2-D over a unit height) -> max_pool / avg_pool with
// explicit padding; adaptive pooling (global -> reduce, evenly divisible sizes -> pooling with
// equal windows, else averaging matrices).
#include "lower/op_families.h"
#include "passes/shape_rules_pool.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

std::vector<int64_t> pair(LoweringContext& ctx, const ir::Node& node, size_t input) {
  std::vector<int64_t> v = ctx.constantInts(node, input);
  if (v.size() == 1) v.assign(2, v[0]);
  if (v.size() != 2) ctx.fail(node, "expects two spatial sizes");
  return v;
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

// The pooling ops of rank 3 ([N, C, L]) run as 2-D pooling of [N, C, 1, L].
ir::Value* asImage(LoweringContext& ctx, const ir::Node& node, ir::Value* x) {
  Shape shape = knownShape(ctx, node, x);
  if (shape.size() != 3) ctx.fail(node, "needs an [N, C, L] input");
  return reshapeTo(ctx, x, {shape[0], shape[1], 1, shape[2]});
}

// max_pool1d(self, kernel, stride, padding, dilation, ceil_mode);
// avg_pool1d(self, kernel, stride, padding, ceil_mode, count_include_pad).
LoweringFn pool1d(bool isMax) {
  return [isMax](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = asImage(ctx, node, ctx.get(node.input(0)));
    int64_t kernel = ctx.constantInts(node, 1).at(0);
    std::vector<int64_t> strides = ctx.constantInts(node, 2);
    int64_t stride = strides.empty() ? kernel : strides[0];
    int64_t pad = ctx.constantInts(node, 3).at(0);
    if (isMax && ctx.constantInts(node, 4).at(0) != 1)
      ctx.fail(node, "dilated pooling is not supported");
    bool ceil = ctx.constantBool(node, isMax ? 5 : 4);
    auto& b = ctx.builder();
    ir::TypePtr type = outputType(node);
    Shape out = *type->shape();
    std::vector<NamedInput> inputs{{"x", x},
                                   {"kernel_sizes", b.constIntVector({1, kernel})},
                                   {"strides", b.constIntVector({1, stride})},
                                   {"pad_type", b.constString("custom")},
                                   {"pad", b.constIntVector({0, 0, pad, pad})},
                                   {"ceil_mode", b.constBool(ceil)}};
    if (!isMax)
      inputs.emplace_back("exclude_padding_from_average", b.constBool(!ctx.constantBool(node, 5)));
    ir::Value* pooled = b.op(isMax ? ir::MilOpName("max_pool") : ir::MilOpName("avg_pool"), inputs,
                             {ir::Type::tensor(dtypeOf(x), Shape{out[0], out[1], 1, out[2]})})
                            ->output();
    ctx.bind(node.output(), reshapeTo(ctx, pooled, out));
  };
}

// adaptive_avg_pool1d(self, output_size): evenly divisible sizes only (windows of equal size).
void lowerAdaptiveAvgPool1d(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = asImage(ctx, node, ctx.get(node.input(0)));
  int64_t length = x->type()->shape()->back();
  int64_t size = ctx.constantInts(node, 1).at(0);
  if (size <= 0 || length % size != 0)
    ctx.fail(node, "adaptive pooling to a size that does not divide the input is not supported");
  auto& b = ctx.builder();
  Shape out = *outputType(node)->shape();
  int64_t kernel = length / size;
  ir::Value* pooled = b.op1("avg_pool",
                            {{"x", x},
                             {"kernel_sizes", b.constIntVector({1, kernel})},
                             {"strides", b.constIntVector({1, kernel})},
                             {"pad_type", b.constString("valid")},
                             {"exclude_padding_from_average", b.constBool(true)}},
                            ir::Type::tensor(dtypeOf(x), Shape{out[0], out[1], 1, out[2]}));
  ctx.bind(node.output(), reshapeTo(ctx, pooled, out));
}

}  // namespace

void registerPoolOps(LoweringTable& table) {
  table["aten::max_pool2d"] = pool(true);
  table["aten::avg_pool2d"] = pool(false);
  table["aten::adaptive_avg_pool2d"] = adaptivePool(false);
  table["aten::adaptive_max_pool2d"] = adaptivePool(true);
  table["aten::max_pool1d"] = pool1d(true);
  table["aten::avg_pool1d"] = pool1d(false);
  table["aten::adaptive_avg_pool1d"] = lowerAdaptiveAvgPool1d;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::max_pool2d", passes::rules::pooling(true));
  table.setShapeRule("aten::avg_pool2d", passes::rules::pooling(false));
  table.setShapeRule("aten::adaptive_avg_pool2d", passes::rules::adaptivePooling());
  table.setShapeRule("aten::adaptive_max_pool2d", passes::rules::adaptivePooling());
  table.setShapeRule("aten::max_pool1d", passes::rules::pooling1d(true));
  table.setShapeRule("aten::avg_pool1d", passes::rules::pooling1d(false));
  table.setShapeRule("aten::adaptive_avg_pool1d", passes::rules::adaptiveAvgPool1d());
}

}  // namespace ts2coreml::lower
