// Static checks of a neural network before it runs, in the spirit of Core ML's validator: every
// layer kind is known, every input blob is written before it is read, only copy layers write a
// name twice (two writers in the two arms of one branch are fine), loopBreak / loopContinue
// appear only inside a loop body, and every model output is produced.
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "runtime/neuralnetwork/nn_executor.h"

namespace ts2coreml::runtime::nn {

namespace {

// The branch arms (branch layer, 0 = if / 1 = else) enclosing a layer.
using ArmPath = std::vector<std::pair<const spec::NeuralNetworkLayer*, int>>;

bool mutuallyExclusive(const ArmPath& a, const ArmPath& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].first != b[i].first) return false;
    if (a[i].second != b[i].second) return true;
  }
  return false;
}

class Validator {
 public:
  explicit Validator(const std::vector<std::string>& inputs)
      : inputs_(inputs.begin(), inputs.end()) {}

  std::set<std::string> walk(const spec::NeuralNetwork& net, std::set<std::string> defined,
                             const ArmPath& path, bool inLoopBody) {
    for (const auto& layer : net.layers()) check(layer, defined, path, inLoopBody);
    return defined;
  }

 private:
  [[noreturn]] static void fail(const spec::NeuralNetworkLayer& layer, const std::string& what) {
    throw Error("neural network layer '" + layer.name() + "' (" +
                layerTypeName(static_cast<int>(layer.layer_case())) + "): " + what);
  }

  void check(const spec::NeuralNetworkLayer& layer, std::set<std::string>& defined,
             const ArmPath& path, bool inLoopBody) {
    using L = spec::NeuralNetworkLayer;
    for (const auto& in : layer.input()) {
      if (!defined.count(in)) fail(layer, "reads blob '" + in + "' before any layer writes it");
    }
    switch (layer.layer_case()) {
      case L::kBranch: {
        if (layer.input_size() != 1)
          fail(layer, "a branch needs exactly one input (its condition)");
        if (layer.branch().ifbranch().layers_size() == 0) fail(layer, "the if branch is empty");
        ArmPath ifPath = path, elsePath = path;
        ifPath.emplace_back(&layer, 0);
        elsePath.emplace_back(&layer, 1);
        std::set<std::string> afterIf =
            walk(layer.branch().ifbranch(), defined, ifPath, inLoopBody);
        std::set<std::string> afterElse =
            walk(layer.branch().elsebranch(), defined, elsePath, inLoopBody);
        // Only blobs written by both arms are known to exist afterwards.
        for (const auto& name : afterIf) {
          if (afterElse.count(name)) defined.insert(name);
        }
        return;
      }
      case L::kLoop: {
        const auto& loop = layer.loop();
        if (layer.input_size() > 1) fail(layer, "a loop has at most one input (its trip count)");
        if (loop.has_conditionnetwork() == loop.conditionvar().empty()) {
          fail(layer, "conditionVar and conditionNetwork must be given together");
        }
        if (!loop.has_conditionnetwork() && loop.maxloopiterations() == 0 &&
            layer.input_size() == 0) {
          fail(layer, "a loop without condition needs maxLoopIterations or an input");
        }
        if (loop.bodynetwork().layers_size() == 0) fail(layer, "the body network is empty");
        if (loop.has_conditionnetwork()) {
          defined = walk(loop.conditionnetwork(), defined, path, false);
          if (!defined.count(loop.conditionvar()))
            fail(layer, "conditionVar '" + loop.conditionvar() + "' is never written");
        }
        defined = walk(loop.bodynetwork(), defined, path, true);
        return;
      }
      case L::kLoopBreak:
      case L::kLoopContinue:
        if (!inLoopBody) fail(layer, "only allowed inside a loop body");
        return;
      case L::kCopy:
        if (layer.input_size() != 1 || layer.output_size() != 1)
          fail(layer, "a copy has one input and one output");
        if (layer.input(0) == layer.output(0)) fail(layer, "copies a blob onto itself");
        defined.insert(layer.output(0));
        return;
      default:
        break;
    }
    if (!layerRegistry().count(static_cast<int>(layer.layer_case())))
      fail(layer, "this layer kind is not supported by the runtime");
    for (const auto& out : layer.output()) {
      if (inputs_.count(out)) fail(layer, "overwrites the model input '" + out + "'");
      auto [it, fresh] = writers_.emplace(out, std::make_pair(&layer, path));
      if (!fresh && it->second.first != &layer && !mutuallyExclusive(it->second.second, path)) {
        fail(layer, "writes blob '" + out + "' already written by layer '" +
                        it->second.first->name() + "' (only copy layers may overwrite)");
      }
      defined.insert(out);
    }
  }

  std::set<std::string> inputs_;
  std::unordered_map<std::string, std::pair<const spec::NeuralNetworkLayer*, ArmPath>> writers_;
};

}  // namespace

void validateNetwork(const spec::NeuralNetwork& network, const std::vector<std::string>& inputNames,
                     const std::vector<std::string>& outputNames) {
  if (network.layers_size() == 0) throw Error("neural network has no layers");
  Validator validator(inputNames);
  std::set<std::string> defined(inputNames.begin(), inputNames.end());
  defined = validator.walk(network, defined, {}, false);
  for (const auto& name : outputNames) {
    if (!defined.count(name))
      throw Error("neural network never writes the model output '" + name + "'");
  }
}

}  // namespace ts2coreml::runtime::nn
