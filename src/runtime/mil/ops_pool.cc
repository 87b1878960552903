// max_pool, avg_pool and l2_pool, with MIL's defaults (strides 1, pad_type "valid", pad 0).
#include "core/error.h"
#include "runtime/kernels/conv.h"
#include "runtime/kernels/pool.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"
#include "runtime/mil/spatial_params.h"

namespace ts2coreml::runtime::mil {

namespace {

template <kernels::PoolOp Op>
void poolOp(OpContext& ctx) {
  const Tensor& x = ctx.tensor("x");
  if (x.rank() < 3) ctx.fail("x must have rank >= 3, got " + shapeToString(x.shape()));
  kernels::PoolParams p;
  p.kernel = ctx.intsArg("kernel_sizes");
  const size_t spatial = p.kernel.size();
  p.strides = ctx.intsArg("strides", ones(spatial));
  const std::string padType = ctx.stringArg("pad_type", std::string("valid"));
  const std::vector<int64_t> pad = ctx.intsArg("pad", std::vector<int64_t>(2 * spatial, 0));
  p.padding =
      kernels::resolvePadding(padType, spatialDims(x), p.kernel, p.strides, ones(spatial), pad);
  p.ceilMode = ctx.boolArg("ceil_mode", false);
  p.excludePaddingFromAverage = ctx.boolArg("exclude_padding_from_average", false);
  ctx.setOutput(kernels::pool(Op, x, p));
}

}  // namespace

void registerPoolOps(MilOpTable& table) {
  table["max_pool"] = poolOp<kernels::PoolOp::Max>;
  table["avg_pool"] = poolOp<kernels::PoolOp::Average>;
  table["l2_pool"] = poolOp<kernels::PoolOp::L2>;
}

}  // namespace ts2coreml::runtime::mil
