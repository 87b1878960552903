// aten::conv1d/conv2d/conv3d and aten::_convolution (the traced form) -> mil.conv.
#include "lower/op_families.h"
#include "passes/shape_rules.h"

namespace ts2coreml::lower {

namespace {

struct ConvArgs {
  size_t input = 0, weight = 1, bias = 2, stride = 3, padding = 4, dilation = 5, groups = 6;
};

void emitConv(LoweringContext& ctx, const ir::Node& node, const ConvArgs& args) {
  MilBuilder& b = ctx.builder();
  ir::Value* x = ctx.get(node.input(args.input));
  ir::Value* weight = ctx.get(node.input(args.weight));
  const auto& weightShape = weight->type()->shape();
  if (!weightShape || weightShape->size() < 3) ctx.fail(node, "weight must have a known shape");
  const size_t spatial = weightShape->size() - 2;
  const auto& inputShape = x->type()->shape();
  if (!inputShape || inputShape->size() != weightShape->size()) {
    ctx.fail(node, "expects a " + std::to_string(weightShape->size()) +
                       "-D input (batch, channels, " + std::to_string(spatial) +
                       " spatial dims), got " +
                       (inputShape ? shapeToString(*inputShape) : std::string("an unknown shape")) +
                       " (check the --input shape)");
  }

  auto expand = [&](std::vector<int64_t> values) {
    if (values.size() == 1) values.assign(spatial, values[0]);
    return values;
  };
  std::vector<int64_t> strides = expand(ctx.constantInts(node, args.stride));
  std::vector<int64_t> dilations = expand(ctx.constantInts(node, args.dilation));
  int64_t groups = ctx.constantInt(node, args.groups);

  auto padding = ctx.constant(node.input(args.padding));
  std::vector<int64_t> pairs;
  if (!padding || !padding->isString()) {
    for (int64_t p : expand(ctx.constantInts(node, args.padding)))
      pairs.insert(pairs.end(), {p, p});
  }
  ir::TypePtr type = milTypeOf(node.output()->type());
  // A 1-D convolution runs as a 2-D one over a unit height, which the neural network backend
  // (2-D layers only) can express too. A weight computed in the program (weight norm) is
  // reshaped there; the constant evaluation folds it once its inputs are constants.
  ir::TypePtr convType = type;
  auto weightConst = ctx.constant(node.input(args.weight));
  bool asImage = spatial == 1 && type->shape();
  if (asImage) {
    const Shape& in = *inputShape;
    x = reshapeTo(ctx, x, {in[0], in[1], 1, in[2]});
    const Shape& ws = *weightShape;
    if (weightConst && weightConst->isTensor()) {
      const Tensor& w = weightConst->toTensor();
      weight = b.constTensor(w.contiguous().reshaped({w.dim(0), w.dim(1), 1, w.dim(2)}));
    } else {
      weight = reshapeTo(ctx, weight, {ws[0], ws[1], 1, ws[2]});
    }
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    if (!pairs.empty()) pairs.insert(pairs.begin(), {0, 0});
    const Shape& out = *type->shape();
    convType = ir::Type::tensor(type->dtype(), Shape{out[0], out[1], 1, out[2]});
  }
  std::vector<NamedInput> inputs{{"x", x}, {"weight", weight}};
  if (!ctx.isNone(node.input(args.bias)))
    inputs.emplace_back("bias", ctx.get(node.input(args.bias)));
  inputs.emplace_back("strides", b.constIntVector(strides));
  if (pairs.empty()) {  // conv1d/2d(..., padding="same"|"valid")
    inputs.emplace_back("pad_type", b.constString(padding->toString()));
  } else {
    inputs.emplace_back("pad_type", b.constString("custom"));
    inputs.emplace_back("pad", b.constIntVector(pairs));
  }
  inputs.emplace_back("dilations", b.constIntVector(dilations));
  inputs.emplace_back("groups", b.constInt(groups));
  ir::Value* y = b.op("conv", inputs, {convType})->output();
  ctx.bind(node.output(), asImage ? reshapeTo(ctx, y, *type->shape()) : y);
}

void lowerConv(LoweringContext& ctx, const ir::Node& node) {
  emitConv(ctx, node, ConvArgs{});
}

// _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
//              groups, benchmark, deterministic, cudnn_enabled[, allow_tf32])
void lowerUnderscoreConvolution(LoweringContext& ctx, const ir::Node& node) {
  if (ctx.constantBool(node, 6)) {  // what a traced ConvTranspose records
    emitConvTranspose(ctx, node, /*groupsInput=*/8, /*dilationInput=*/5);
    return;
  }
  ConvArgs args;
  args.groups = 8;
  emitConv(ctx, node, args);
}

}  // namespace

void registerConvOps(LoweringTable& table) {
  table["aten::conv1d"] = lowerConv;
  table["aten::conv2d"] = lowerConv;
  table["aten::conv3d"] = lowerConv;
  table["aten::_convolution"] = lowerUnderscoreConvolution;

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::conv1d", "aten::conv2d", "aten::conv3d", "aten::_convolution"}) {
    table.setShapeRule(name, passes::rules::convolution());
  }
}

}  // namespace ts2coreml::lower
