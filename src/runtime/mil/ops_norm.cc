// softmax and normalisation ops (epsilon defaults 1e-5 as in MIL).
#include "runtime/kernels/norm.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

void softmaxOp(OpContext& ctx) {
  ctx.setOutput(kernels::softmax(ctx.tensor("x"), ctx.intArg("axis", -1)));
}

void batchNormOp(OpContext& ctx) {
  ctx.setOutput(kernels::batchNorm(ctx.tensor("x"), ctx.tensor("mean"), ctx.tensor("variance"),
                                   ctx.optionalTensor("gamma"), ctx.optionalTensor("beta"),
                                   static_cast<float>(ctx.floatArg("epsilon", 1e-5))));
}

void instanceNormOp(OpContext& ctx) {
  ctx.setOutput(kernels::instanceNorm(ctx.tensor("x"), ctx.optionalTensor("gamma"),
                                      ctx.optionalTensor("beta"),
                                      static_cast<float>(ctx.floatArg("epsilon", 1e-5))));
}

void layerNormOp(OpContext& ctx) {
  ctx.setOutput(kernels::layerNorm(ctx.tensor("x"), ctx.optionalInts("axes"),
                                   ctx.optionalTensor("gamma"), ctx.optionalTensor("beta"),
                                   static_cast<float>(ctx.floatArg("epsilon", 1e-5))));
}

}  // namespace

void registerNormOps(MilOpTable& table) {
  table["softmax"] = softmaxOp;
  table["batch_norm"] = batchNormOp;
  table["instance_norm"] = instanceNormOp;
  table["layer_norm"] = layerNormOp;
}

}  // namespace ts2coreml::runtime::mil
