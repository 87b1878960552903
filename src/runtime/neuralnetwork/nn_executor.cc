#include "runtime/neuralnetwork/nn_executor.h"

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::runtime::nn {

namespace {

// Core ML's truth test for branch conditions and loop condition variables.
bool isTrue(const Tensor& value) {
  if (value.numel() < 1) return false;
  return std::fabs(value.elementAsDouble(0)) > 1e-6;
}

}  // namespace

Tensor asBlob(const Tensor& value) {
  Tensor f = value.contiguous().to(DType::Float32);
  return f.rank() == 0 ? f.reshaped({1}) : f;
}

Flow Executor::run(const spec::NeuralNetwork& network, BlobMap& blobs) const {
  for (const auto& layer : network.layers()) {
    Flow flow = runLayer(layer, blobs);
    if (flow != Flow::Normal) return flow;
  }
  return Flow::Normal;
}

Flow Executor::runLayer(const spec::NeuralNetworkLayer& layer, BlobMap& blobs) const {
  LayerIO io(*this, layer, blobs);
  switch (layer.layer_case()) {
    case spec::NeuralNetworkLayer::kCopy:
      io.setOutput(0, io.input(0));  // blobs are never mutated in place, so sharing is safe
      return Flow::Normal;
    case spec::NeuralNetworkLayer::kBranch: {
      const auto& branch = layer.branch();
      if (isTrue(io.input(0))) return run(branch.ifbranch(), blobs);
      if (branch.has_elsebranch()) return run(branch.elsebranch(), blobs);
      return Flow::Normal;
    }
    case spec::NeuralNetworkLayer::kLoop:
      return runLoop(layer, blobs);
    case spec::NeuralNetworkLayer::kLoopBreak:
      return Flow::Break;
    case spec::NeuralNetworkLayer::kLoopContinue:
      return Flow::Continue;
    default:
      break;
  }
  const auto& table = layerRegistry();
  auto it = table.find(static_cast<int>(layer.layer_case()));
  if (it == table.end()) io.fail("this layer kind is not supported by the runtime");
  try {
    it->second(io, layer);
  } catch (const Error& e) {
    if (e.located()) throw;  // fail() of this layer or of a nested one
    throw Error(io.describe(), e);
  }
  return Flow::Normal;
}

// The three loop forms of LoopLayerParams: a for-loop of maxLoopIterations (or the input's
// value), a while-loop on conditionVar, or both limits at once.
Flow Executor::runLoop(const spec::NeuralNetworkLayer& layer, BlobMap& blobs) const {
  LayerIO io(*this, layer, blobs);
  const auto& loop = layer.loop();
  bool hasCondition = loop.has_conditionnetwork();
  bool countFromInput = layer.input_size() == 1;
  uint64_t limit = loop.maxloopiterations();
  if (countFromInput) {
    double v = io.input(0).elementAsDouble(0);
    limit = v > 0 ? static_cast<uint64_t>(v) : 0;
  }
  bool limited = !hasCondition || loop.maxloopiterations() > 0 || countFromInput;
  if (!hasCondition && limit == 0 && !countFromInput)
    io.fail("loop without condition network needs maxLoopIterations or an input");
  const uint64_t cap = maxLoopIterations();
  for (uint64_t i = 0;; ++i) {
    if (limited && i >= limit) break;
    if (hasCondition) {
      run(loop.conditionnetwork(), blobs);
      auto cv = blobs.find(loop.conditionvar());
      if (cv == blobs.end())
        io.fail("condition network did not produce '" + loop.conditionvar() + "'");
      if (!isTrue(cv->second)) break;
    }
    if (run(loop.bodynetwork(), blobs) == Flow::Break) break;
    // Counted after the body: a loop that ends with a break layer at the start of its body has
    // run exactly i + 1 iterations when the check sees them.
    if (i + 1 > cap) {
      io.fail("still looping after " + std::to_string(cap) +
              " iterations, the runtime's loop limit (raise it with --max-loop-iterations, in "
              "Python with predict(..., max_loop_iterations=N))");
    }
  }
  return Flow::Normal;
}

Tensor Executor::weights(const spec::WeightParams& weights, int64_t expectedCount,
                         const std::string& where) const {
  Tensor values;
  if (weights.floatvalue_size() > 0) {
    // A view on the specification's repeated field (kept alive by owner_).
    const auto* data = reinterpret_cast<const uint8_t*>(weights.floatvalue().data());
    int64_t count = weights.floatvalue_size();
    auto buffer = Buffer::wrap(data, static_cast<size_t>(count) * sizeof(float), owner_);
    values = Tensor::view(buffer, DType::Float32, {count}, {1}, 0);
  } else if (!weights.float16value().empty()) {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    auto it = widened_.find(&weights);
    if (it == widened_.end()) {
      const std::string& bytes = weights.float16value();
      if (bytes.size() % 2 != 0) throw Error::at(where, "float16Value has an odd number of bytes");
      int64_t count = static_cast<int64_t>(bytes.size() / 2);
      Tensor wide(DType::Float32, {count});
      float* out = wide.mutableData<float>();
      for (int64_t i = 0; i < count; ++i) {
        uint16_t bits;
        std::memcpy(&bits, bytes.data() + i * 2, 2);
        out[i] = halfToFloat(bits);
      }
      it = widened_.emplace(&weights, wide).first;
    }
    values = it->second;
  } else if (!weights.rawvalue().empty() || !weights.int8rawvalue().empty()) {
    throw Error::at(where, "quantized weights are not supported by the runtime");
  } else {
    values = Tensor(DType::Float32, {0});
  }
  if (expectedCount >= 0 && values.numel() != expectedCount) {
    throw Error::at(where, "expected " + std::to_string(expectedCount) + " values, found " +
                               std::to_string(values.numel()));
  }
  return values;
}

const Tensor& LayerIO::input(size_t i) const {
  if (i >= numInputs())
    fail("needs input " + std::to_string(i) + " but has " + std::to_string(numInputs()));
  const std::string& name = layer_.input(static_cast<int>(i));
  auto it = blobs_.find(name);
  if (it == blobs_.end()) fail("input blob '" + name + "' has not been computed");
  return it->second;
}

void LayerIO::setOutput(size_t i, Tensor value) {
  if (static_cast<int>(i) >= layer_.output_size()) fail("has no output " + std::to_string(i));
  blobs_[layer_.output(static_cast<int>(i))] = asBlob(value);
}

Tensor LayerIO::weights(const spec::WeightParams& weights, int64_t expectedCount,
                        const char* what) const {
  return executor_.weights(weights, expectedCount, describe() + " " + what);
}

std::string LayerIO::describe() const {
  return "layer '" + layer_.name() + "' (" + layerTypeName(static_cast<int>(layer_.layer_case())) +
         ")";
}

void LayerIO::fail(const std::string& what) const {
  throw Error::at(describe(), what);
}

}  // namespace ts2coreml::runtime::nn
