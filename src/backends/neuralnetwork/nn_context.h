// State shared by the MIL-op -> NN-layer lowerings: blob names, the network being filled (nested
// networks for branch / loop bodies), constants and weight encoding.
//
// Blob naming. A neural network is not SSA: a blob name stands for the last value written to it,
// and only copy layers may write a name twice. Every IR value gets one blob name (graph inputs
// keep their names, graph outputs are written under the model's output names where possible).
// Constants are loaded lazily with loadConstantND into the ROOT network, whatever network asks:
// a blob made at top level is visible everywhere after it, whereas one made inside a branch
// would not be visible in the other branch. Constants consumed as layer parameters (conv
// weights, scalar alphas) never become blobs.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "coreml/proto/NeuralNetwork.pb.h"
#include "ir/graph.h"

namespace ts2coreml::backends::nn {

namespace spec = CoreML::Specification;

class NNContext;
// Lowers one MIL op (a node of kind "mil.<op>") into layers of ctx.network().
using LayerLoweringFn = void (*)(NNContext& ctx, const ir::Node& node);

// The table of MIL ops with a lowering, keyed by op name without the "mil." prefix
// (nn_registry.cc); which ops have one is decided by the op table (ir/mil_ops.def).
const std::unordered_map<std::string, LayerLoweringFn>& layerLoweringRegistry();

class NNContext {
 public:
  NNContext(const NeuralNetworkOptions& options, spec::NeuralNetwork* root);

  const NeuralNetworkOptions& options() const { return options_; }
  // Highest specification version a used layer needs (at least options().specificationVersion).
  int requiredSpecVersion() const { return specVersion_; }
  // Records that `node`'s layer needs specification `version`; fails naming `what` when the
  // deployment target (options().specificationVersion) is older.
  void requireSpecVersion(int version, const ir::Node& node, const std::string& what);

  // ---- blobs
  // Fixes the blob name of `value` before any layer writes it (graph inputs/outputs, loop vars).
  void nameBlob(const ir::Value* value, const std::string& name);
  bool hasBlob(const ir::Value* value) const { return blobs_.count(value) > 0; }
  // The blob holding `value`; constants are loaded on first use. Throws for a value nothing
  // has produced yet.
  std::string blob(const ir::Value* value);
  // The name a layer writing `value` must use (assigned from the value's name hint if new).
  std::string outputBlob(const ir::Value* value);
  // Claims `name` exactly (model input/output names); false when it is already taken.
  bool reserveBlobName(const std::string& name) { return usedBlobNames_.insert(name).second; }
  // A new, unused blob name built from `hint`.
  std::string freshBlobName(const std::string& hint);

  // ---- layers
  spec::NeuralNetwork* network() const { return networks_.back(); }
  // Appends a layer to the current network with a unique name built from `nameHint`.
  spec::NeuralNetworkLayer* addLayer(const std::string& nameHint,
                                     const std::vector<std::string>& inputs,
                                     const std::vector<std::string>& outputs);
  // The usual case: inputs are blobs of `inputs`, outputs are the node's outputs.
  spec::NeuralNetworkLayer* addLayer(const ir::Node& node,
                                     const std::vector<const ir::Value*>& inputs);
  // A copy layer (the only layer allowed to overwrite `to`); nothing when names are equal.
  void addCopy(const std::string& from, const std::string& to);
  // Layers go to `net` until the matching popNetwork (nested branch / loop networks).
  void pushNetwork(spec::NeuralNetwork* net) { networks_.push_back(net); }
  void popNetwork() { networks_.pop_back(); }
  // Lowers every node of `block` into `into` (a nested network when it is not the root).
  void lowerBlock(const ir::Block& block, spec::NeuralNetwork* into);
  void lowerNode(const ir::Node& node);

  // ---- inputs and constants of a node
  const ir::Value* input(const ir::Node& node, const std::string& param) const;  // throws
  const ir::Value* optionalInput(const ir::Node& node, const std::string& param) const;
  // The tensor of a mil.const producer, else null.
  static const Tensor* constTensor(const ir::Value* value);
  static std::optional<std::string> constString(const ir::Value* value);
  // The value of a one-element numeric constant.
  static std::optional<double> scalarConst(const ir::Value* value);
  // Required-constant helpers (throw a located Error when the input is not constant); the
  // `fallback` is used when the parameter is absent.
  Tensor constFloatTensor(const ir::Node& node, const std::string& param) const;
  std::vector<int64_t> constInts(const ir::Node& node, const std::string& param,
                                 std::vector<int64_t> fallback) const;
  std::string constStr(const ir::Node& node, const std::string& param, std::string fallback) const;
  double constNumber(const ir::Node& node, const std::string& param, double fallback) const;
  bool constFlag(const ir::Node& node, const std::string& param, bool fallback) const;
  // Static shape of a value (scalars as [1], like NN blobs), if fully known.
  static std::optional<Shape> staticShape(const ir::Value* value);
  static int64_t rankOf(const ir::Value* value);  // -1 when unknown; scalars count as rank 1

  // Fills `weights` with the elements of `tensor` (row-major), as fp16 when options ask for it.
  void fillWeights(spec::WeightParams* weights, const Tensor& tensor) const;

  [[noreturn]] void fail(const ir::Node& node, const std::string& what) const;

 private:
  std::string loadConstant(const ir::Value* value);
  std::string uniqueLayerName(const std::string& hint);

  NeuralNetworkOptions options_;
  int specVersion_;
  spec::NeuralNetwork* root_;
  std::vector<spec::NeuralNetwork*> networks_;
  std::unordered_map<const ir::Value*, std::string> blobs_;
  std::set<std::string> usedBlobNames_;
  std::set<std::string> usedLayerNames_;
};

// "custom" padding of MIL ([before0, after0, before1, after1]) as NN border amounts.
void setBorderAmounts(spec::BorderAmounts* amounts, const std::vector<int64_t>& pad);

}  // namespace ts2coreml::backends::nn
