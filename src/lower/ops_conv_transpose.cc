// Transposed convolutions (conv_transpose1d/2d/3d) -> mil.conv_transpose.
#include "lower/op_families.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

std::vector<int64_t> spatialInts(LoweringContext& ctx, const ir::Node& node, size_t input,
                                 size_t spatial) {
  std::vector<int64_t> v = ctx.constantInts(node, input);
  if (v.size() == 1) v.assign(spatial, v[0]);
  if (v.size() != spatial)
    ctx.fail(node, "argument " + std::to_string(input) + " has the wrong length");
  return v;
}

// conv_transpose{1,2}d(input, weight, bias, stride, padding, output_padding, groups, dilation)
void lowerConvTranspose(LoweringContext& ctx, const ir::Node& node) {
  emitConvTranspose(ctx, node, /*groupsInput=*/6, /*dilationInput=*/7);
}

}  // namespace

void emitConvTranspose(LoweringContext& ctx, const ir::Node& node, size_t groupsInput,
                       size_t dilationInput) {
  ir::Value* x = ctx.get(node.input(0));
  ir::Value* weight = ctx.get(node.input(1));
  const Shape& w = knownShape(ctx, node, weight);
  size_t spatial = w.size() - 2;
  if (knownShape(ctx, node, x).size() != w.size())
    ctx.fail(node, "expects an input of rank " + std::to_string(w.size()));
  std::vector<int64_t> pads;
  for (int64_t p : spatialInts(ctx, node, 4, spatial)) pads.insert(pads.end(), {p, p});
  std::vector<int64_t> strides = spatialInts(ctx, node, 3, spatial);
  std::vector<int64_t> dilations = spatialInts(ctx, node, dilationInput, spatial);
  auto& b = ctx.builder();
  ir::TypePtr type = outputType(node);
  Shape out = *type->shape();
  // The 1-D form runs as 2-D over a unit height (as conv1d does), so the neural network backend
  // can express it; a weight computed in the program is reshaped there.
  auto weightConst = ctx.constant(node.input(1));
  bool asImage = spatial == 1;
  if (asImage) {
    const Shape& in = *x->type()->shape();
    x = reshapeTo(ctx, x, {in[0], in[1], 1, in[2]});
    if (weightConst && weightConst->isTensor()) {
      const Tensor& t = weightConst->toTensor();
      weight = b.constTensor(t.contiguous().reshaped({t.dim(0), t.dim(1), 1, t.dim(2)}));
    } else {
      weight = reshapeTo(ctx, weight, {w[0], w[1], 1, w[2]});
    }
    pads.insert(pads.begin(), {0, 0});
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    out = {out[0], out[1], 1, out[2]};
  }
  std::vector<NamedInput> inputs{{"x", x}, {"weight", weight}};
  if (!ctx.isNone(node.input(2))) inputs.emplace_back("bias", ctx.get(node.input(2)));
  inputs.emplace_back("strides", b.constIntVector(strides));
  inputs.emplace_back("pad_type", b.constString("custom"));
  inputs.emplace_back("pad", b.constIntVector(pads));
  inputs.emplace_back("dilations", b.constIntVector(dilations));
  inputs.emplace_back("groups", b.constInt(ctx.constantInt(node, groupsInput)));
  // output_shape pins the size output_padding adds (it is otherwise ambiguous with stride > 1).
  inputs.emplace_back("output_shape", b.constIntVector(out));
  ir::Value* y = b.op("conv_transpose", inputs, {ir::Type::tensor(type->dtype(), out)})->output();
  ctx.bind(node.output(), asImage ? reshapeTo(ctx, y, *type->shape()) : y);
}

void registerConvTransposeOps(LoweringTable& table) {
  table["aten::conv_transpose1d"] = lowerConvTranspose;
  table["aten::conv_transpose2d"] = lowerConvTranspose;
  table["aten::conv_transpose3d"] = lowerConvTranspose;

  // Result types (aten_op_table.h).
  for (const char* name :
       {"aten::conv_transpose1d", "aten::conv_transpose2d", "aten::conv_transpose3d"}) {
    table.setShapeRule(name, passes::rules::transposedConvolution());
  }
}

}  // namespace ts2coreml::lower
