// reduce_* (axes absent = all axes, keep_dims default false), reduce_argmax / argmin and topk.
#include "runtime/kernels/reduce.h"
#include "runtime/kernels/sort.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

using kernels::ReduceOp;

template <ReduceOp Op>
void reduceOp(OpContext& ctx) {
  ctx.setOutput(kernels::reduce(Op, ctx.tensor("x"), ctx.optionalInts("axes"),
                                ctx.boolArg("keep_dims", false)));
}

template <bool Max>
void argReduceOp(OpContext& ctx) {
  ctx.setOutput(kernels::argReduce(Max, ctx.tensor("x"), ctx.intArg("axis", -1),
                                   ctx.boolArg("keep_dims", false)));
}

// topk(x, k = 1, axis = -1, ascending = false) -> (values, indices)
void topkOp(OpContext& ctx) {
  auto [values, indices] = kernels::topk(ctx.tensor("x"), ctx.intArg("k", 1),
                                         ctx.intArg("axis", -1), ctx.boolArg("ascending", false));
  ctx.setOutput(0, MilValue(std::move(values)));
  ctx.setOutput(1, MilValue(std::move(indices)));
}

}  // namespace

void registerReduceOps(MilOpTable& table) {
  table["reduce_sum"] = reduceOp<ReduceOp::Sum>;
  table["topk"] = topkOp;
  table["reduce_mean"] = reduceOp<ReduceOp::Mean>;
  table["reduce_max"] = reduceOp<ReduceOp::Max>;
  table["reduce_min"] = reduceOp<ReduceOp::Min>;
  table["reduce_prod"] = reduceOp<ReduceOp::Prod>;
  table["reduce_l1_norm"] = reduceOp<ReduceOp::L1Norm>;
  table["reduce_l2_norm"] = reduceOp<ReduceOp::L2Norm>;
  table["reduce_log_sum"] = reduceOp<ReduceOp::LogSum>;
  table["reduce_log_sum_exp"] = reduceOp<ReduceOp::LogSumExp>;
  table["reduce_sum_square"] = reduceOp<ReduceOp::SumSquare>;
  table["reduce_argmax"] = argReduceOp<true>;
  table["reduce_argmin"] = argReduceOp<false>;
}

}  // namespace ts2coreml::runtime::mil
