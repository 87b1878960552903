// conv (or linear on [N, C]) followed by batch_norm with constant statistics: in eval mode
// batch_norm is y = gamma * (x - mean) / sqrt(variance + epsilon) + beta per channel, an affine
// map that the weights and bias absorb.
#include <cmath>

#include "passes/mil_cleanup_steps.h"
#include "passes/mil_fold_into_conv.h"

namespace ts2coreml::passes::mil {

namespace {

// Per-channel values of an optional constant input: `fallback` when absent, nullopt when it is
// not a constant of `channels` elements.
std::optional<std::vector<double>> channelValues(const ir::Node* node, const std::string& name,
                                                 int64_t channels, double fallback) {
  ir::Value* value = node->namedInput(name);
  if (!value) return std::vector<double>(static_cast<size_t>(channels), fallback);
  const Tensor* tensor = constTensor(value);
  if (!tensor || tensor->numel() != channels) return std::nullopt;
  std::vector<double> values;
  for (int64_t c = 0; c < channels; ++c) values.push_back(tensor->elementAsDouble(c));
  return values;
}

}  // namespace

int fuseBatchNorm(ir::Graph& graph, UseTracker& uses) {
  int rewrites = 0;
  for (ir::Node* node : collectNodes(graph.top())) {
    if (node->kind() != "mil.batch_norm" || uses.isRetired(node)) continue;
    ir::Value* x = node->namedInput("x");
    ir::Node* producer = x ? x->producer() : nullptr;
    if (!producer || producer->owner() != node->owner() || !uses.isPrivateIntermediate(x) ||
        !isFoldableProducer(producer) || channelAxis(producer) != 1 ||
        !ir::sameType(x->type(), node->output()->type())) {
      continue;
    }
    const int64_t channels = outputChannels(producer);
    if (!node->namedInput("mean") || !node->namedInput("variance")) continue;
    auto mean = channelValues(node, "mean", channels, 0.0);
    auto variance = channelValues(node, "variance", channels, 1.0);
    auto gamma = channelValues(node, "gamma", channels, 1.0);
    auto beta = channelValues(node, "beta", channels, 0.0);
    ir::Value* epsilonValue = node->namedInput("epsilon");
    auto epsilon = epsilonValue ? constScalar(epsilonValue) : std::optional<double>(1e-5);
    if (!mean || !variance || !gamma || !beta || !epsilon) continue;

    ChannelAffine affine;
    bool valid = true;
    for (int64_t c = 0; c < channels; ++c) {
      const double denominator = (*variance)[c] + *epsilon;
      valid &= denominator > 0;
      const double scale = (*gamma)[c] / std::sqrt(denominator);
      affine.scale.push_back(scale);
      affine.shift.push_back((*beta)[c] - (*mean)[c] * scale);
    }
    if (!valid || !foldChannelAffine(graph, producer, affine, uses)) continue;
    uses.redirect(node->output(), x);
    uses.retire(node);
    ++rewrites;
  }
  return rewrites;
}

}  // namespace ts2coreml::passes::mil
