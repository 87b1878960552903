#include "passes/shape_checks.h"

#include "core/error.h"
#include "passes/shape_rule_helpers.h"

namespace ts2coreml::passes {

namespace {

using namespace rules;

bool known(int64_t size) {
  return size >= 0;
}

std::string describeShape(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return text + "]";
}

// a @ b as torch.matmul reads it: the last dimension of `a` (its only one when 1-D) against the
// second to last of `b` (its only one when 1-D).
void checkInnerDimensions(const std::string& op, const OpOperands& ops, size_t a, size_t b) {
  auto x = shapeAt(ops, a), y = shapeAt(ops, b);
  if (!x || !y || x->empty() || y->empty()) return;
  int64_t left = x->back();
  int64_t right = y->size() == 1 ? (*y)[0] : (*y)[y->size() - 2];
  if (!known(left) || !known(right) || left == right) return;
  throw Error(op + " of shapes " + describeShape(*x) + " and " + describeShape(*y) +
              ": the inner dimensions " + std::to_string(left) + " and " + std::to_string(right) +
              " differ (check the --input shape)");
}

// linear(input [..., in], weight [out, in], bias).
void checkLinear(const OpOperands& ops) {
  auto x = shapeAt(ops, 0), w = shapeAt(ops, 1);
  if (!x || !w || x->empty() || w->size() != 2) return;
  int64_t features = x->back(), expected = (*w)[1];
  if (!known(features) || !known(expected) || features == expected) return;
  throw Error("the input has " + std::to_string(features) +
              " features (its last dimension) but the linear layer's weight expects " +
              std::to_string(expected) + " (check the --input shape)");
}

// The channel dimension (1) of operand 0 against the length of the 1-D per-channel operands at
// `perChannel` (weight, bias, running mean and variance; None or unknown ones are skipped).
void checkChannels(const std::string& op, const OpOperands& ops,
                   std::initializer_list<size_t> perChannel) {
  auto x = shapeAt(ops, 0);
  if (!x || x->size() < 2 || !known((*x)[1])) return;
  for (size_t i : perChannel) {
    if (isNoneAt(ops, i) || !ops.types[i]->isTensor()) continue;
    auto w = shapeAt(ops, i);
    if (!w || w->size() != 1 || !known((*w)[0]) || (*w)[0] == (*x)[1]) continue;
    throw Error("the input has " + std::to_string((*x)[1]) + " channels but the " + op +
                "'s weight expects " + std::to_string((*w)[0]) + " (check the --input shape)");
  }
}

// group_norm(input, num_groups, weight, bias, eps, cudnn_enabled).
void checkGroupNorm(const OpOperands& ops) {
  checkChannels("group_norm", ops, {2, 3});
  auto x = shapeAt(ops, 0);
  auto groups = intAt(ops, 1);
  if (!x || x->size() < 2 || !known((*x)[1]) || !groups || *groups <= 0) return;
  if ((*x)[1] % *groups == 0) return;
  throw Error("the input has " + std::to_string((*x)[1]) +
              " channels, which group_norm cannot divide into " + std::to_string(*groups) +
              " groups (check the --input shape)");
}

// layer_norm(input, normalized_shape, weight, bias, eps, cudnn_enable): the input's trailing
// dimensions are normalized_shape.
void checkLayerNorm(const OpOperands& ops) {
  auto x = shapeAt(ops, 0);
  auto normalized = intsAt(ops, 1);
  if (!x || !normalized || normalized->empty()) return;
  bool fits = x->size() >= normalized->size();
  for (size_t i = 0; fits && i < normalized->size(); ++i) {
    int64_t size = (*x)[x->size() - normalized->size() + i];
    fits = !known(size) || size == (*normalized)[i];
  }
  if (fits) return;
  throw Error("layer_norm normalizes the trailing dimensions " + describeShape(*normalized) +
              " but the input has shape " + describeShape(*x) + " (check the --input shape)");
}

// embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse): torch takes integer
// indices only.
void checkEmbedding(const OpOperands& ops) {
  if (ops.types.size() < 2 || !ops.types[1]->isTensor()) return;
  auto dtype = ops.types[1]->dtype();
  if (!dtype || isIntegral(*dtype)) return;
  throw Error("embedding indices must be integers, got " + std::string(dtypeName(*dtype)) +
              " (give the input an integer dtype, e.g. --input NAME:SHAPE:int32)");
}

}  // namespace

void checkOperandShapes(const std::string& kind, const OpOperands& ops) {
  if (kind.rfind("aten::", 0) != 0) return;
  const std::string op = kind.substr(6);
  if (op == "linear") {
    checkLinear(ops);
  } else if (op == "matmul" || op == "mm" || op == "bmm" || op == "mv" || op == "dot") {
    checkInnerDimensions(op, ops, 0, 1);
  } else if (op == "addmm" || op == "baddbmm" || op == "addmv") {
    checkInnerDimensions(op, ops, 1, 2);
  } else if (op == "batch_norm" || op == "instance_norm") {
    checkChannels(op, ops, {1, 2, 3, 4});
  } else if (op == "group_norm") {
    checkGroupNorm(ops);
  } else if (op == "layer_norm") {
    checkLayerNorm(ops);
  } else if (op == "embedding") {
    checkEmbedding(ops);
  }
}

}  // namespace ts2coreml::passes
