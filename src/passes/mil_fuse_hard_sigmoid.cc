// Hard sigmoid lowered as clip(x * a + b, 0, 1) (torch's hardsigmoid, and inside hardswish) is
// MIL's sigmoid_hard(x, alpha = a, beta = b): one op instead of three.
#include "passes/mil_cleanup_steps.h"

namespace ts2coreml::passes::mil {

namespace {

struct ScalarOperand {
  ir::Value* other = nullptr;  // the non-constant operand
  double value = 0;
};

// `node` is `kind`(v, c) or `kind`(c, v) with c a one-element constant.
std::optional<ScalarOperand> withScalar(const ir::Node* node, const std::string& kind) {
  if (node->kind() != kind || node->numOutputs() != 1) return std::nullopt;
  ir::Value* x = node->namedInput("x");
  ir::Value* y = node->namedInput("y");
  if (!x || !y) return std::nullopt;
  if (auto c = constScalar(y); c && !constTensor(x)) return ScalarOperand{x, *c};
  if (auto c = constScalar(x); c && !constTensor(y)) return ScalarOperand{y, *c};
  return std::nullopt;
}

// The producer of `value` when it is a single-use intermediate of the same block.
ir::Node* privateProducer(const ir::Value* value, const ir::Node* consumer,
                          const UseTracker& uses) {
  ir::Node* producer = value ? value->producer() : nullptr;
  if (!producer || producer->owner() != consumer->owner() || uses.isRetired(producer) ||
      !uses.isPrivateIntermediate(value)) {
    return nullptr;
  }
  return producer;
}

}  // namespace

int fuseHardSigmoid(ir::Graph& graph, UseTracker& uses) {
  int rewrites = 0;
  for (ir::Node* clip : collectNodes(graph.top())) {
    if (clip->kind() != "mil.clip" || uses.isRetired(clip)) continue;
    auto low = constScalar(clip->namedInput("alpha"));
    auto high = constScalar(clip->namedInput("beta"));
    if (!low || !high || *low != 0.0 || *high != 1.0) continue;
    ir::Node* add = privateProducer(clip->namedInput("x"), clip, uses);
    auto shift = add ? withScalar(add, "mil.add") : std::nullopt;
    ir::Node* mul = shift ? privateProducer(shift->other, clip, uses) : nullptr;
    auto scale = mul ? withScalar(mul, "mil.mul") : std::nullopt;
    if (!scale) continue;
    ir::Value* x = scale->other;
    auto dtype = dtypeOf(x);
    if (!dtype || !isFloatingPoint(*dtype) || !ir::sameType(x->type(), clip->output()->type())) {
      continue;
    }
    ir::Node* fused = clip->owner()->insertNodeBefore(clip, "mil.sigmoid_hard");
    fused->setLocation(clip->location());
    uses.addInput(fused, x, "x");
    uses.addInput(fused,
                  addConst(graph, Tensor::scalar(DType::Float32, scale->value),
                           ir::Type::tensor(*dtype, Shape{})),
                  "alpha");
    uses.addInput(fused,
                  addConst(graph, Tensor::scalar(DType::Float32, shift->value),
                           ir::Type::tensor(*dtype, Shape{})),
                  "beta");
    ir::Value* out = fused->addOutput(clip->output()->type());
    uses.redirect(clip->output(), out);
    uses.retire(clip);
    uses.retire(add);
    uses.retire(mul);
    ++rewrites;
  }
  return rewrites;
}

}  // namespace ts2coreml::passes::mil
