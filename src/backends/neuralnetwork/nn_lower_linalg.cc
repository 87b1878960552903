// linear, matmul and layer_norm: batchedMatmul (weights inline when constant) and
// layerNormalization.
#include <algorithm>
#include <numeric>

#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

// batchedMatmul keeps its weight W [X1, X2] (x[..., X1] * W) stored as W transposed, row-major,
// i.e. [X2, X1] row-major (coremltools flattens np.transpose(W)). A torch Linear weight
// [out, in] is exactly that layout.
void setMatmulWeights(NNContext& ctx, spec::BatchedMatMulLayerParams* params,
                      const Tensor& storedOutIn, const Tensor* bias) {
  params->set_weightmatrixfirstdimension(static_cast<uint64_t>(storedOutIn.dim(1)));
  params->set_weightmatrixseconddimension(static_cast<uint64_t>(storedOutIn.dim(0)));
  ctx.fillWeights(params->mutable_weights(), storedOutIn);
  if (bias) {
    params->set_hasbias(true);
    ctx.fillWeights(params->mutable_bias(), *bias);
  }
}

Tensor transposed2d(const Tensor& t) {
  Tensor out(DType::Float32, {t.dim(1), t.dim(0)});
  const float* src = t.data<float>();
  float* dst = out.mutableData<float>();
  for (int64_t r = 0; r < t.dim(0); ++r) {
    for (int64_t c = 0; c < t.dim(1); ++c) dst[c * t.dim(0) + r] = src[r * t.dim(1) + c];
  }
  return out;
}

}  // namespace

void lowerLinear(NNContext& ctx, const ir::Node& node) {
  Tensor weight = ctx.constFloatTensor(node, "weight");
  if (weight.rank() != 2) ctx.fail(node, "linear weight must be rank 2");
  std::optional<Tensor> bias;
  if (ctx.optionalInput(node, "bias")) bias = ctx.constFloatTensor(node, "bias");
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_batchedmatmul();
  setMatmulWeights(ctx, params, weight, bias ? &*bias : nullptr);
}

void lowerMatmul(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  const ir::Value* y = ctx.input(node, "y");
  bool transposeX = ctx.constFlag(node, "transpose_x", false);
  bool transposeY = ctx.constFlag(node, "transpose_y", false);
  const Tensor* constY = NNContext::constTensor(y);
  if (constY && constY->rank() == 2 && NNContext::rankOf(x) >= 2) {
    Tensor w = constY->contiguous().to(DType::Float32);
    // Stored layout is [X2, X1]: y^T, which is y itself when transpose_y is set.
    Tensor stored = transposeY ? w : transposed2d(w);
    auto* params = ctx.addLayer(node, {x})->mutable_batchedmatmul();
    params->set_transposea(transposeX);
    setMatmulWeights(ctx, params, stored, nullptr);
    return;
  }
  auto* params = ctx.addLayer(node, {x, y})->mutable_batchedmatmul();
  params->set_transposea(transposeX);
  params->set_transposeb(transposeY);
}

void lowerLayerNorm(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  auto shape = NNContext::staticShape(x);
  if (!shape) ctx.fail(node, "layer_norm needs a statically known input shape");
  int64_t rank = static_cast<int64_t>(shape->size());
  std::vector<int64_t> axes = ctx.constInts(node, "axes", {});
  if (!ctx.optionalInput(node, "axes")) {
    axes.resize(static_cast<size_t>(rank));
    std::iota(axes.begin(), axes.end(), 0);
  }
  for (auto& a : axes) a = a < 0 ? a + rank : a;
  std::sort(axes.begin(), axes.end());
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] != rank - static_cast<int64_t>(axes.size()) + static_cast<int64_t>(i)) {
      ctx.fail(node, "layer_norm over non-trailing axes has no neural network layer");
    }
  }
  Shape normalized;
  for (int64_t a : axes) normalized.push_back((*shape)[static_cast<size_t>(a)]);
  int64_t count = shapeNumel(normalized);
  auto* params = ctx.addLayer(node, {x})->mutable_layernormalization();
  for (int64_t d : normalized) params->add_normalizedshape(d);
  params->set_eps(static_cast<float>(ctx.constNumber(node, "epsilon", 1e-5)));
  Tensor ones(DType::Float32, {count});
  for (int64_t i = 0; i < count; ++i) ones.mutableData<float>()[i] = 1.0f;
  Tensor zeros(DType::Float32, {count});
  ctx.fillWeights(params->mutable_gamma(),
                  ctx.optionalInput(node, "gamma") ? ctx.constFloatTensor(node, "gamma") : ones);
  ctx.fillWeights(params->mutable_beta(),
                  ctx.optionalInput(node, "beta") ? ctx.constFloatTensor(node, "beta") : zeros);
}

}  // namespace ts2coreml::backends::nn
