// Executes NeuralNetwork messages over a blob map. Blobs are fp32 contiguous tensors of rank
// >= 1 (a MIL scalar is a one-element blob). Control flow (copy, branch, loop, loopBreak,
// loopContinue) is handled here; every other layer kind by a function of the layer registry.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/tensor.h"
#include "coreml/proto/Model.pb.h"

namespace ts2coreml::runtime::nn {

namespace spec = CoreML::Specification;

using BlobMap = std::unordered_map<std::string, Tensor>;

// How a network run ended: normally, or at a loopBreak / loopContinue layer that the innermost
// enclosing loop must honour.
enum class Flow { Normal, Break, Continue };

class Executor {
 public:
  // `owner` keeps the specification alive: fp32 weights are tensors viewing it in place.
  explicit Executor(std::shared_ptr<const spec::Model> owner) : owner_(std::move(owner)) {}

  Flow run(const spec::NeuralNetwork& network, BlobMap& blobs) const;

  // The values of `weights` as a 1-D fp32 tensor (fp32: a view on the spec, fp16: widened once
  // and cached). Throws when the weights are quantized or their count is not `expectedCount`
  // (-1: any).
  Tensor weights(const spec::WeightParams& weights, int64_t expectedCount,
                 const std::string& where) const;

 private:
  Flow runLayer(const spec::NeuralNetworkLayer& layer, BlobMap& blobs) const;
  Flow runLoop(const spec::NeuralNetworkLayer& layer, BlobMap& blobs) const;

  std::shared_ptr<const spec::Model> owner_;
  mutable std::mutex cacheMutex_;
  mutable std::unordered_map<const spec::WeightParams*, Tensor> widened_;
};

// What a layer function sees: its inputs, outputs and weights.
class LayerIO {
 public:
  LayerIO(const Executor& executor, const spec::NeuralNetworkLayer& layer, BlobMap& blobs)
      : executor_(executor), layer_(layer), blobs_(blobs) {}

  const spec::NeuralNetworkLayer& layer() const { return layer_; }
  size_t numInputs() const { return static_cast<size_t>(layer_.input_size()); }
  const Tensor& input(size_t i) const;
  void setOutput(size_t i, Tensor value);
  // 1-D fp32 values of `weights` (expectedCount -1: any count).
  Tensor weights(const spec::WeightParams& weights, int64_t expectedCount, const char* what) const;
  [[noreturn]] void fail(const std::string& what) const;
  // "layer 'conv_1' (convolution)" for messages.
  std::string describe() const;

 private:
  const Executor& executor_;
  const spec::NeuralNetworkLayer& layer_;
  BlobMap& blobs_;
};

using LayerFn = void (*)(LayerIO& io, const spec::NeuralNetworkLayer& layer);

// Layer kind (NeuralNetworkLayer::LayerCase) -> implementation, for every non-control-flow layer
// the runtime supports (nn_layer_registry.cc).
const std::unordered_map<int, LayerFn>& layerRegistry();

// The proto field name of a layer kind ("convolution", "loop", ...); "layer#<n>" if unknown.
std::string layerTypeName(int layerCase);

// Static checks of a network before running it (see makeNeuralNetworkModel).
void validateNetwork(const spec::NeuralNetwork& network, const std::vector<std::string>& inputNames,
                     const std::vector<std::string>& outputNames);

// NN blobs have rank >= 1: a rank-0 tensor becomes shape [1].
Tensor asBlob(const Tensor& value);

}  // namespace ts2coreml::runtime::nn
