// reduce_* -> the ND reduce layers (axes, keepDims, reduceAll when MIL leaves axes out).
#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

// Every ND reduce params message has the same three fields.
template <typename Params>
void setReduce(NNContext& ctx, const ir::Node& node, Params* params) {
  params->set_keepdims(ctx.constFlag(node, "keep_dims", false));
  if (!ctx.optionalInput(node, "axes")) {
    params->set_reduceall(true);
    return;
  }
  for (int64_t axis : ctx.constInts(node, "axes", {})) params->add_axes(axis);
}

spec::NeuralNetworkLayer* reduceLayer(NNContext& ctx, const ir::Node& node) {
  return ctx.addLayer(node, {ctx.input(node, "x")});
}

}  // namespace

void lowerReduceMean(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducemean());
}
void lowerReduceSum(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducesum());
}
void lowerReduceMax(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducemax());
}
void lowerReduceMin(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducemin());
}
void lowerReduceProd(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reduceprod());
}
void lowerReduceL1(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducel1());
}
void lowerReduceL2(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducel2());
}
void lowerReduceLogSum(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducelogsum());
}
void lowerReduceLogSumExp(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducelogsumexp());
}
void lowerReduceSumSquare(NNContext& ctx, const ir::Node& node) {
  setReduce(ctx, node, reduceLayer(ctx, node)->mutable_reducesumsquare());
}

void lowerReduceArgmax(NNContext& ctx, const ir::Node& node) {
  auto* params = reduceLayer(ctx, node)->mutable_argmax();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", -1)));
  params->set_removedim(!ctx.constFlag(node, "keep_dims", false));
}

void lowerReduceArgmin(NNContext& ctx, const ir::Node& node) {
  auto* params = reduceLayer(ctx, node)->mutable_argmin();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", -1)));
  params->set_removedim(!ctx.constFlag(node, "keep_dims", false));
}

// topk -> the topK layer (values and indices outputs; useBottomK for ascending).
void lowerTopk(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_topk();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", -1)));
  params->set_k(static_cast<uint64_t>(ctx.constNumber(node, "k", 1)));
  params->set_usebottomk(ctx.constFlag(node, "ascending", false));
}

}  // namespace ts2coreml::backends::nn
