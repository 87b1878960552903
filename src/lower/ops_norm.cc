// batch_norm with running statistics -> mil.batch_norm; layer_norm -> mil.layer_norm over the
// trailing normalized_shape; group_norm, instance_norm and
// batch_norm with batch statistics (training mode) as a layer_norm over trailing axes of a
// reshaped (transposed) input followed by the per-channel affine transform, which both backends
// can express; _weight_norm as v * g / ||v|| from reductions. On constants (a weight standardized
// or weight-normalized in forward) these ops are evaluated at conversion time like any other.
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_pool.h"

namespace ts2coreml::lower {

namespace {

double epsilonArg(LoweringContext& ctx, const ir::Node& node, size_t input) {
  auto eps = ctx.constant(node.input(input));
  if (!eps || !(eps->isDouble() || eps->isInt())) ctx.fail(node, "eps must be a constant");
  return eps->toNumber();
}

ir::Value* layerNorm(LoweringContext& ctx, ir::Value* x, int64_t axes, double eps, ir::Value* gamma,
                     ir::Value* beta) {
  int64_t rank = static_cast<int64_t>(x->type()->shape()->size());
  std::vector<int64_t> trailing;
  for (int64_t a = rank - axes; a < rank; ++a) trailing.push_back(a);
  auto& b = ctx.builder();
  return b.op1("layer_norm",
               {{"x", x},
                {"axes", b.constIntVector(trailing)},
                {"gamma", gamma},
                {"beta", beta},
                {"epsilon", b.constFloat(eps)}},
               x->type());
}

// layer_norm(input, normalized_shape, weight?, bias?, eps, cudnn_enable)
void lowerLayerNorm(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  knownShape(ctx, node, x);
  int64_t axes = static_cast<int64_t>(ctx.constantInts(node, 1).size());
  ir::Value* gamma = ctx.isNone(node.input(2)) ? nullptr : toFloat(ctx, ctx.get(node.input(2)));
  ir::Value* beta = ctx.isNone(node.input(3)) ? nullptr : toFloat(ctx, ctx.get(node.input(3)));
  ctx.bind(node.output(), layerNorm(ctx, x, axes, epsilonArg(ctx, node, 4), gamma, beta));
}

// y * weight[c] + bias[c] over axis 1 of an [N, C, *] tensor.
ir::Value* channelAffine(LoweringContext& ctx, const ir::Node& node, ir::Value* y,
                         size_t weightInput, size_t biasInput) {
  const Shape& shape = *y->type()->shape();
  Shape broadcast(shape.size() - 1, 1);
  broadcast[0] = shape[1];
  if (!ctx.isNone(node.input(weightInput)))
    y = binaryMil(ctx, "mul", y,
                  reshapeTo(ctx, toFloat(ctx, ctx.get(node.input(weightInput))), broadcast));
  if (!ctx.isNone(node.input(biasInput)))
    y = binaryMil(ctx, "add", y,
                  reshapeTo(ctx, toFloat(ctx, ctx.get(node.input(biasInput))), broadcast));
  return y;
}

// group_norm(input, num_groups, weight?, bias?, eps, cudnn_enabled)
void lowerGroupNorm(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  const Shape shape = knownShape(ctx, node, x);
  int64_t groups = ctx.constantInt(node, 1);
  if (shape.size() < 2 || groups <= 0 || shape[1] % groups != 0)
    ctx.fail(node, "the channels (axis 1) must divide into num_groups");
  ir::Value* grouped =
      reshapeTo(ctx, x, {shape[0], groups, shapeNumel(shape) / (shape[0] * groups)});
  ir::Value* normalized = layerNorm(ctx, grouped, 1, epsilonArg(ctx, node, 4), nullptr, nullptr);
  ctx.bind(node.output(), channelAffine(ctx, node, reshapeTo(ctx, normalized, shape), 2, 3));
}

// instance_norm(input, weight?, bias?, running_mean?, running_var?, use_input_stats, momentum,
// eps, cudnn_enabled)
void lowerInstanceNorm(LoweringContext& ctx, const ir::Node& node) {
  if (!ctx.constantBool(node, 5))
    ctx.fail(node,
             "instance norm with running statistics (track_running_stats in eval mode) is "
             "not supported");
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  const Shape& shape = knownShape(ctx, node, x);
  if (shape.size() < 3) ctx.fail(node, "needs an [N, C, *spatial] input");
  int64_t spatial = static_cast<int64_t>(shape.size()) - 2;
  ir::Value* normalized = layerNorm(ctx, x, spatial, epsilonArg(ctx, node, 7), nullptr, nullptr);
  ctx.bind(node.output(), channelAffine(ctx, node, normalized, 1, 2));
}

// _weight_norm(v, g, dim): v * (g / norm), the 2-norm of v over every axis but `dim` (over all
// axes when dim is -1, as torch's norm_except_dim).
void lowerWeightNorm(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* v = toFloat(ctx, ctx.get(node.input(0)));
  ir::Value* g = toFloat(ctx, ctx.get(node.input(1)));
  const Shape& shape = knownShape(ctx, node, v);
  const int64_t rank = static_cast<int64_t>(shape.size());
  const int64_t dim = node.inputs().size() > 2 ? ctx.constantInt(node, 2) : 0;
  const int64_t kept = dim == -1 ? -1 : axisOf(ctx, node, dim, rank);
  std::vector<int64_t> axes;
  Shape normShape;
  for (int64_t a = 0; a < rank; ++a) {
    if (a != kept) axes.push_back(a);
    normShape.push_back(a == kept ? shape[static_cast<size_t>(a)] : 1);
  }
  auto& b = ctx.builder();
  ir::Value* squares = binaryMil(ctx, "mul", v, v);
  ir::Value* sum =
      b.op1("reduce_sum",
            {{"x", squares}, {"axes", b.constIntVector(axes)}, {"keep_dims", b.constBool(true)}},
            milTensor(dtypeOf(v), normShape));
  ir::Value* norm = unaryMil(ctx, "sqrt", sum);
  ir::Value* scale = binaryMil(ctx, "real_div", g, norm);
  ctx.bind(node.output(), binaryMil(ctx, "mul", v, scale));
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

}  // namespace

// batch_norm(input, weight?, bias?, running_mean?, running_var?, training=True, momentum, eps,
// cudnn_enabled): normalized with the mean and biased variance of each channel over the batch and
// the spatial axes. The running statistics are not updated (a converted model keeps no state) and
// do not enter the result, as in torch.
void lowerBatchNormWithBatchStatistics(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = toFloat(ctx, ctx.get(node.input(0)));
  const Shape shape = knownShape(ctx, node, x);
  if (shape.size() < 2) ctx.fail(node, "needs an [N, C, *] input");
  const int64_t rank = static_cast<int64_t>(shape.size());
  // [N, C, *] -> [C, N, *] -> [C, N * prod(*)]: one layer_norm row per channel.
  std::vector<int64_t> channelFirst{1, 0};
  for (int64_t a = 2; a < rank; ++a) channelFirst.push_back(a);
  ir::Value* rows = reshapeTo(ctx, transposeBy(ctx, x, channelFirst),
                              {shape[1], shapeNumel(shape) / std::max<int64_t>(1, shape[1])});
  ir::Value* normalized = layerNorm(ctx, rows, 1, epsilonArg(ctx, node, 7), nullptr, nullptr);
  Shape transposed = shape;
  std::swap(transposed[0], transposed[1]);
  ir::Value* back = transposeBy(ctx, reshapeTo(ctx, normalized, transposed), channelFirst);
  ctx.bind(node.output(), channelAffine(ctx, node, back, 1, 2));
}

void registerNormOps(LoweringTable& table) {
  table["aten::_weight_norm"] = lowerWeightNorm;
  table["aten::layer_norm"] = lowerLayerNorm;
  table["aten::group_norm"] = lowerGroupNorm;
  table["aten::instance_norm"] = lowerInstanceNorm;

  table["aten::batch_norm"] = lowerBatchNorm;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::batch_norm", passes::rules::sameAsInput());
  table.setShapeRule("aten::layer_norm", passes::rules::sameAsInput());
  for (const char* name : {"aten::group_norm", "aten::instance_norm", "aten::_weight_norm"}) {
    table.setShapeRule(name, passes::rules::sameAsTensorInput());
  }
}

}  // namespace ts2coreml::lower
