#include "passes/mil_fold_into_conv.h"

#include <cmath>

namespace ts2coreml::passes::mil {

namespace {

double largestFinite(DType dtype) {
  switch (dtype) {
    case DType::Float16:
      return 65504.0;
    case DType::BFloat16:
      return 3.3895313892515355e38;
    case DType::Float32:
      return 3.4028234663852886e38;
    default:
      return INFINITY;
  }
}

}  // namespace

bool isFoldableProducer(const ir::Node* node) {
  if (node->kind() != "mil.conv" && node->kind() != "mil.linear") return false;
  if (node->numOutputs() != 1) return false;
  ir::Value* weight = node->namedInput("weight");
  const Tensor* w = weight ? constTensor(weight) : nullptr;
  if (!w || w->rank() < 2 || !isFloatingPoint(w->dtype())) return false;
  if (!dtypeOf(weight) || !isFloatingPoint(*dtypeOf(weight))) return false;
  ir::Value* bias = node->namedInput("bias");
  if (bias) {
    const Tensor* b = constTensor(bias);
    if (!b || b->numel() != w->dim(0)) return false;
  }
  const auto& shape = node->output()->type()->shape();
  return shape && channelAxis(node) >= 0 && (*shape)[channelAxis(node)] == w->dim(0);
}

int64_t channelAxis(const ir::Node* node) {
  const auto& shape = node->output()->type()->shape();
  if (!shape || shape->empty()) return -1;
  const int64_t rank = static_cast<int64_t>(shape->size());
  if (node->kind() == "mil.conv") return rank >= 3 ? 1 : -1;
  return rank - 1;
}

int64_t outputChannels(const ir::Node* node) {
  return constTensor(node->namedInput("weight"))->dim(0);
}

bool foldChannelAffine(ir::Graph& graph, ir::Node* node, const ChannelAffine& affine,
                       UseTracker& uses) {
  ir::Value* weightValue = node->namedInput("weight");
  const Tensor weight = constTensor(weightValue)->to(DType::Float32).contiguous();
  const int64_t channels = weight.dim(0);
  const int64_t perChannel = weight.numel() / channels;
  const DType dtype = *dtypeOf(weightValue);
  const double limit = largestFinite(dtype);
  auto fits = [&](double v) { return std::isfinite(v) && std::fabs(v) <= limit; };

  ir::Value* biasValue = node->namedInput("bias");
  Tensor bias;
  if (biasValue) bias = constTensor(biasValue)->to(DType::Float32).contiguous();

  // Computed in double from the stored values and rounded once. fp16 weights are stored as fp16
  // right away (what the backend would write anyway; half the memory of a large model's copy).
  const DType storage = dtype == DType::Float16 ? DType::Float16 : DType::Float32;
  const size_t step = elementSize(storage);
  Tensor newWeight(storage, weight.shape());
  Tensor newBias(storage, {channels});
  const float* w = weight.data<float>();
  auto* nw = static_cast<uint8_t*>(newWeight.mutableRawData());
  auto* nb = static_cast<uint8_t*>(newBias.mutableRawData());
  for (int64_t c = 0; c < channels; ++c) {
    const double scale = affine.scale.empty() ? 1.0 : affine.scale[c];
    const double shift = affine.shift.empty() ? 0.0 : affine.shift[c];
    for (int64_t k = 0; k < perChannel; ++k) {
      const int64_t i = c * perChannel + k;
      const double v = scale * w[i];
      if (!fits(v)) return false;
      storeElement(nw + static_cast<size_t>(i) * step, storage, v);
    }
    const double b = scale * (biasValue ? bias.data<float>()[c] : 0.0) + shift;
    if (!fits(b)) return false;
    storeElement(nb + static_cast<size_t>(c) * step, storage, b);
  }
  if (!affine.scale.empty()) {
    uses.bindInput(node, "weight",
                   addConst(graph, std::move(newWeight), ir::Type::tensor(dtype, weight.shape())));
  }
  if (biasValue || !affine.shift.empty()) {
    uses.bindInput(node, "bias",
                   addConst(graph, std::move(newBias), ir::Type::tensor(dtype, Shape{channels})),
                   "weight");
  }
  return true;
}

}  // namespace ts2coreml::passes::mil
