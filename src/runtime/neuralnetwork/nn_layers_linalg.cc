// batchedMatmul, innerProduct and layerNormalization.
#include <numeric>

#include "runtime/kernels/linalg.h"
#include "runtime/kernels/norm.h"
#include "runtime/kernels/shape.h"
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

void runBatchedMatmul(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.batchedmatmul();
  if (io.numInputs() == 2) {
    io.setOutput(0, kernels::matmul(io.input(0), io.input(1), p.transposea(), p.transposeb()));
    return;
  }
  // One input: x[..., X1] times the constant W [X1, X2], which is stored transposed ([X2, X1],
  // the layout of a torch Linear weight), so it is exactly kernels::linear's weight.
  const int64_t x1 = static_cast<int64_t>(p.weightmatrixfirstdimension());
  const int64_t x2 = static_cast<int64_t>(p.weightmatrixseconddimension());
  Tensor weight = io.weights(p.weights(), x1 * x2, "weights").reshaped({x2, x1});
  std::optional<Tensor> bias;
  if (p.hasbias()) bias = io.weights(p.bias(), x2, "bias");
  Tensor x = io.input(0);
  if (p.transposea()) {
    if (x.rank() < 2) io.fail("transposeA needs an input of rank >= 2");
    std::vector<int64_t> perm(static_cast<size_t>(x.rank()));
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
    x = kernels::transpose(x, perm);
  }
  io.setOutput(0, kernels::linear(x, weight, bias));
}

// Rank <= 2: the last axis holds the features. Rank >= 3: the trailing [C, H, W] are flattened
// into the features and the result is [..., C_out, 1, 1].
void runInnerProduct(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.innerproduct();
  const Tensor& x = io.input(0);
  const int64_t cin = static_cast<int64_t>(p.inputchannels());
  const int64_t cout = static_cast<int64_t>(p.outputchannels());
  Tensor weight = io.weights(p.weights(), cin * cout, "weights").reshaped({cout, cin});
  std::optional<Tensor> bias;
  if (p.hasbias()) bias = io.weights(p.bias(), cout, "bias");
  const int64_t featureAxes = x.rank() >= 3 ? 3 : 1;
  Shape lead(x.shape().begin(), x.shape().end() - featureAxes);
  Shape flat = lead;
  flat.push_back(x.numel() / std::max<int64_t>(1, shapeNumel(lead)));
  if (flat.back() != cin)
    io.fail("input " + shapeToString(x.shape()) + " does not have " + std::to_string(cin) +
            " features");
  Tensor y = kernels::linear(x.contiguous().reshaped(flat), weight, bias);
  Shape outShape = lead;
  outShape.push_back(cout);
  if (x.rank() >= 3) outShape.insert(outShape.end(), {1, 1});
  io.setOutput(0, y.reshaped(outShape));
}

// Normalizes over the trailing normalizedShape axes: gamma * (x - mean) / sqrt(var + eps) + beta.
void runLayerNormalization(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.layernormalization();
  const Tensor& x = io.input(0);
  const int64_t k = p.normalizedshape_size();
  if (k == 0 || k > x.rank())
    io.fail("normalizedShape does not fit the input " + shapeToString(x.shape()));
  Shape normalized(p.normalizedshape().begin(), p.normalizedshape().end());
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < k; ++i) {
    if (x.dim(x.rank() - k + i) != normalized[static_cast<size_t>(i)]) {
      io.fail("normalizedShape " + shapeToString(normalized) + " does not match the input " +
              shapeToString(x.shape()));
    }
    axes.push_back(x.rank() - k + i);
  }
  const int64_t count = shapeNumel(normalized);
  Tensor gamma = io.weights(p.gamma(), count, "gamma").reshaped(normalized);
  Tensor beta = io.weights(p.beta(), count, "beta").reshaped(normalized);
  io.setOutput(0, kernels::layerNorm(x, axes, gamma, beta, p.eps()));
}

}  // namespace ts2coreml::runtime::nn
