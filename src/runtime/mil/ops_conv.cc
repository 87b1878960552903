// conv and conv_transpose, with MIL's defaults (strides and dilations 1, pad_type "valid", pad 0,
// groups 1).
#include "core/error.h"
#include "runtime/kernels/conv.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"
#include "runtime/mil/spatial_params.h"

namespace ts2coreml::runtime::mil {

namespace {

kernels::ConvParams convParams(const OpContext& ctx, const Tensor& x, const Shape& kernel,
                               bool transpose) {
  const size_t spatial = kernel.size();
  kernels::ConvParams p;
  p.strides = ctx.intsArg("strides", ones(spatial));
  p.dilations = ctx.intsArg("dilations", ones(spatial));
  p.groups = ctx.intArg("groups", 1);
  const std::string padType = ctx.stringArg("pad_type", std::string("valid"));
  const std::vector<int64_t> pad = ctx.intsArg("pad", std::vector<int64_t>(2 * spatial, 0));
  if (transpose && padType != "custom" && padType != "valid") {
    ctx.fail("conv_transpose pad_type '" + padType + "' is not supported (use custom or valid)");
  }
  p.padding = kernels::resolvePadding(padType, spatialDims(x),
                                      std::vector<int64_t>(kernel.begin(), kernel.end()), p.strides,
                                      p.dilations, pad);
  return p;
}

void convOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  const Tensor& weight = ctx.tensor("weight");
  if (x.rank() < 3) ctx.fail("x must have rank >= 3, got " + shapeToString(x.shape()));
  ctx.setOutput(kernels::conv(x, weight, ctx.optionalTensor("bias"),
                              convParams(ctx, x, spatialDims(weight), false)));
}

void convTransposeOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  const Tensor& weight = ctx.tensor("weight");
  if (x.rank() < 3) ctx.fail("x must have rank >= 3, got " + shapeToString(x.shape()));
  std::optional<Shape> outputSpatial;
  if (auto shape = ctx.optionalInts("output_shape")) {
    // Either the spatial dims or the full output shape [N, C_out, *D].
    const size_t spatial = static_cast<size_t>(x.rank() - 2);
    outputSpatial = Shape(shape->end() - static_cast<std::ptrdiff_t>(spatial), shape->end());
  }
  ctx.setOutput(kernels::convTranspose(x, weight, ctx.optionalTensor("bias"),
                                       convParams(ctx, x, spatialDims(weight), true),
                                       outputSpatial));
}

}  // namespace

void registerConvOps(MilOpTable& table) {
  table["conv"] = convOp;
  table["conv_transpose"] = convTransposeOp;
}

}  // namespace ts2coreml::runtime::mil
