// reshape, transpose, expand_dims, squeeze, shape, fill, fill_like, range_1d, tile, flatten2d.
#include "runtime/kernels/kernel_utils.h"
#include "runtime/kernels/shape.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

void reshapeOp(OpContext& ctx) {
  ctx.setOutput(kernels::reshape(ctx.tensor("x"), ctx.intsArg("shape")));
}

void transposeOp(OpContext& ctx) {
  ctx.setOutput(kernels::transpose(ctx.tensor("x"), ctx.intsArg("perm")));
}

void expandDimsOp(OpContext& ctx) {
  ctx.setOutput(kernels::expandDims(ctx.tensor("x"), ctx.intsArg("axes")));
}

void squeezeOp(OpContext& ctx) {
  ctx.setOutput(kernels::squeeze(ctx.tensor("x"), ctx.optionalInts("axes")));
}

void shapeOp(OpContext& ctx) {
  ctx.setOutput(kernels::shapeOf(ctx.tensor("x")));
}

void fillOp(OpContext& ctx) {
  std::optional<Tensor> value = ctx.optionalTensor("value");
  const DType dtype = value ? value->dtype() : DType::Float32;
  const double v = value ? value->elementAsDouble(0) : 0.0;
  ctx.setOutput(kernels::fill(ctx.intsArg("shape"), v, dtype));
}

// iOS16: the shape of `ref_tensor`, the dtype of `value` (default 0.0, fp32).
void fillLikeOp(OpContext& ctx) {
  std::optional<Tensor> value = ctx.optionalTensor("value");
  const DType dtype = value ? value->dtype() : DType::Float32;
  const double v = value ? value->elementAsDouble(0) : 0.0;
  ctx.setOutput(kernels::fill(ctx.tensor("ref_tensor").shape(), v, dtype));
}

void range1dOp(OpContext& ctx) {
  ctx.setOutput(kernels::range1d(ctx.tensor("end"), ctx.tensor("start"), ctx.tensor("step")));
}

void tileOp(OpContext& ctx) {
  ctx.setOutput(kernels::tile(ctx.tensor("x"), ctx.intsArg("reps")));
}

// [d0, ..., dn] -> [d0 * ... * d(axis-1), d(axis) * ... * dn]
void flatten2dOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  const int64_t axis =
      kernels::normalizeAxis(ctx.intArg("axis", 1), x.rank() + 1, "flatten2d axis");
  int64_t first = 1;
  for (int64_t i = 0; i < axis; ++i) first *= x.dim(i);
  ctx.setOutput(kernels::reshape(x, {first, -1}));
}

}  // namespace

void registerShapeOps(MilOpTable& table) {
  table["reshape"] = reshapeOp;
  table["transpose"] = transposeOp;
  table["expand_dims"] = expandDimsOp;
  table["squeeze"] = squeezeOp;
  table["shape"] = shapeOp;
  table["fill"] = fillOp;
  table["fill_like"] = fillLikeOp;
  table["range_1d"] = range1dOp;
  table["tile"] = tileOp;
  table["flatten2d"] = flatten2dOp;
}

}  // namespace ts2coreml::runtime::mil
