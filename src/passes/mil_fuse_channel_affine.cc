// conv/linear followed by add, sub, mul or real_div with a constant that varies only along the
// output channel axis (or is one number): the constant moves into the bias (add/sub) or scales
// weights and bias (mul/real_div). Chains fold one op per round.
#include "passes/mil_cleanup_steps.h"
#include "passes/mil_fold_into_conv.h"

namespace ts2coreml::passes::mil {

namespace {

// The constant's values per output channel when it broadcasts along the channel axis only and
// leaves the output shape unchanged.
std::optional<std::vector<double>> perChannel(const Tensor& constant, const ir::Node* producer) {
  const Shape& outShape = *producer->output()->type()->shape();
  const int64_t rank = static_cast<int64_t>(outShape.size());
  const int64_t axis = channelAxis(producer);
  const int64_t channels = outputChannels(producer);
  if (constant.rank() > rank) return std::nullopt;
  const int64_t lead = rank - constant.rank();
  bool alongChannels = false;
  for (int64_t i = 0; i < constant.rank(); ++i) {
    const int64_t size = constant.dim(i);
    if (size == 1) continue;
    if (i + lead != axis || size != channels) return std::nullopt;
    alongChannels = true;
  }
  std::vector<double> values;
  for (int64_t c = 0; c < channels; ++c)
    values.push_back(constant.elementAsDouble(alongChannels ? c : 0));
  return values;
}

}  // namespace

int fuseChannelAffine(ir::Graph& graph, UseTracker& uses) {
  int rewrites = 0;
  for (ir::Node* node : collectNodes(graph.top())) {
    const std::string& kind = node->kind();
    const bool commutative = kind == "mil.add" || kind == "mil.mul";
    if ((!commutative && kind != "mil.sub" && kind != "mil.real_div") || uses.isRetired(node) ||
        node->numOutputs() != 1) {
      continue;
    }
    ir::Value* x = node->namedInput("x");
    ir::Value* y = node->namedInput("y");
    if (!x || !y) continue;
    // The op's other operand must be the constant; add/mul may have it on either side.
    if (commutative && constTensor(x) && !constTensor(y)) std::swap(x, y);
    ir::Node* producer = x->producer();
    const Tensor* constant = constTensor(y);
    if (!producer || !constant || producer->owner() != node->owner() ||
        !uses.isPrivateIntermediate(x) || !isFoldableProducer(producer) ||
        !ir::sameType(x->type(), node->output()->type())) {
      continue;
    }
    auto values = perChannel(*constant, producer);
    if (!values) continue;

    ChannelAffine affine;
    bool valid = true;
    for (double v : *values) {
      if (kind == "mil.add") affine.shift.push_back(v);
      if (kind == "mil.sub") affine.shift.push_back(-v);
      if (kind == "mil.mul") affine.scale.push_back(v);
      if (kind == "mil.real_div") {
        valid &= v != 0;
        affine.scale.push_back(1.0 / v);
      }
    }
    if (!valid || !foldChannelAffine(graph, producer, affine, uses)) continue;
    uses.redirect(node->output(), x);
    uses.retire(node);
    ++rewrites;
  }
  return rewrites;
}

}  // namespace ts2coreml::passes::mil
