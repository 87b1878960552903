// slice_by_index, slice_by_size, gather, gather_along_axis, scatter_along_axis, concat, stack,
// split, pad.
#include "runtime/kernels/index.h"
#include "runtime/kernels/kernel_utils.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

void sliceByIndexOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  kernels::SliceSpec spec;
  spec.begin = ctx.intsArg("begin");
  spec.end = ctx.intsArg("end");
  spec.stride = ctx.intsArg("stride", std::vector<int64_t>{});
  spec.beginMask = ctx.boolsArg("begin_mask");
  spec.endMask = ctx.boolsArg("end_mask");
  spec.squeezeMask = ctx.boolsArg("squeeze_mask");
  ctx.setOutput(kernels::sliceByIndex(x, spec));
}

void sliceBySizeOp(OpContext& ctx) {
  ctx.setOutput(kernels::sliceBySize(ctx.tensor("x"), ctx.intsArg("begin"), ctx.intsArg("size")));
}

void gatherOp(OpContext& ctx) {
  if (ctx.intArg("batch_dims", 0) != 0) ctx.fail("gather with batch_dims != 0 is not supported");
  ctx.setOutput(kernels::gather(ctx.tensor("x"), ctx.tensor("indices"), ctx.intArg("axis", 0)));
}

void gatherAlongAxisOp(OpContext& ctx) {
  ctx.setOutput(
      kernels::gatherAlongAxis(ctx.tensor("x"), ctx.tensor("indices"), ctx.intArg("axis", 0)));
}

void scatterAlongAxisOp(OpContext& ctx) {
  const std::string modeName = ctx.stringArg("mode", "add");
  std::optional<kernels::ScatterMode> mode = kernels::scatterModeNamed(modeName);
  if (!mode) ctx.fail("unknown scatter mode '" + modeName + "'");
  ctx.setOutput(kernels::scatterAlongAxis(ctx.tensor("data"), ctx.tensor("indices"),
                                          ctx.tensor("updates"), ctx.intArg("axis", 0), *mode));
}

void concatOp(OpContext& ctx) {
  ctx.setOutput(
      kernels::concat(ctx.tensors("values"), ctx.intArg("axis"), ctx.boolArg("interleave", false)));
}

void stackOp(OpContext& ctx) {
  ctx.setOutput(kernels::stack(ctx.tensors("values"), ctx.intArg("axis")));
}

void splitOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  // Checked here: a corrupted model's axis reached Tensor::dim (std::out_of_range, no op named;
  // found by fuzz_mlpackage).
  const int64_t axis = kernels::normalizeAxis(ctx.intArg("axis"), x.rank());
  std::vector<int64_t> sizes;
  if (ctx.has("split_sizes")) {
    sizes = ctx.intsArg("split_sizes");
  } else {
    const int64_t parts = ctx.intArg("num_splits", static_cast<int64_t>(ctx.numOutputs()));
    const int64_t dim = x.dim(axis);
    if (parts <= 0 || dim % parts != 0) {
      ctx.fail("axis of size " + std::to_string(dim) + " cannot be split into " +
               std::to_string(parts) + " parts");
    }
    sizes.assign(static_cast<size_t>(parts), dim / parts);
  }
  std::vector<Tensor> pieces = kernels::split(x, sizes, axis);
  if (pieces.size() != ctx.numOutputs()) {
    ctx.fail("makes " + std::to_string(pieces.size()) + " pieces for " +
             std::to_string(ctx.numOutputs()) + " outputs");
  }
  for (size_t i = 0; i < pieces.size(); ++i) ctx.setOutput(i, MilValue(std::move(pieces[i])));
}

void padOp(OpContext& ctx) {
  ctx.setOutput(kernels::pad(ctx.tensor("x"), ctx.intsArg("pad"),
                             ctx.stringArg("mode", std::string("constant")),
                             ctx.floatArg("constant_val", 0.0)));
}

}  // namespace

void registerIndexOps(MilOpTable& table) {
  table["slice_by_index"] = sliceByIndexOp;
  table["slice_by_size"] = sliceBySizeOp;
  table["gather"] = gatherOp;
  table["gather_along_axis"] = gatherAlongAxisOp;
  table["scatter_along_axis"] = scatterAlongAxisOp;
  table["concat"] = concatOp;
  table["stack"] = stackOp;
  table["split"] = splitOp;
  table["pad"] = padOp;
}

}  // namespace ts2coreml::runtime::mil
