// writeNeuralNetwork: the model description (FLOAT32 multi-arrays: neural networks have no other
// blob type), the root network with EXACT_ARRAY_MAPPING, and the layers from the lowerings.
#include <algorithm>

#include "backends/model_metadata.h"
#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "backends/neuralnetwork/nn_context.h"
#include "core/error.h"
#include "coreml/model_file.h"

namespace ts2coreml::backends {

namespace {

namespace spec = CoreML::Specification;

// A FLOAT32 multi-array feature. Rank-0 values are one-element arrays; unknown dims (-1) become
// a flexible range [1, unbounded) with 1 as the default.
void describeArray(spec::FeatureDescription* feature, const std::string& name,
                   const ir::TypePtr& type, bool requireShape) {
  feature->set_name(name);
  auto* array = feature->mutable_type()->mutable_multiarraytype();
  array->set_datatype(spec::ArrayFeatureType::FLOAT32);
  if (!type || !type->isTensor() || !type->shape()) {
    if (requireShape)
      throw Error("neural network backend: input '" + name + "' needs a known shape");
    return;
  }
  Shape shape = *type->shape();
  if (shape.empty()) shape = {1};
  bool flexible = std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; });
  if (flexible && !requireShape) return;  // outputs: leave the shape open
  for (int64_t d : shape) array->add_shape(d < 0 ? 1 : d);
  if (flexible) {
    auto* ranges = array->mutable_shaperange();
    for (int64_t d : shape) {
      auto* range = ranges->add_sizeranges();
      range->set_lowerbound(d < 0 ? 1 : static_cast<uint64_t>(d));
      range->set_upperbound(d < 0 ? -1 : d);
    }
  }
}

std::string outputName(const ir::Graph& graph, size_t i) {
  const auto& names = graph.outputNames();
  if (i < names.size() && !names[i].empty()) return names[i];
  return graph.outputs().size() == 1 ? "output" : "output_" + std::to_string(i);
}

}  // namespace

spec::Model buildNeuralNetworkSpec(const ir::Graph& milGraph, const NeuralNetworkOptions& options) {
  spec::Model model;
  auto* description = model.mutable_description();
  auto* network = model.mutable_neuralnetwork();
  network->set_arrayinputshapemapping(spec::EXACT_ARRAY_MAPPING);
  network->set_imageinputshapemapping(spec::RANK4_IMAGE_MAPPING);
  nn::NNContext ctx(options, network);

  if (milGraph.inputs().empty())
    throw Error("neural network backend: a neural network needs at least one input");
  for (const auto& input : milGraph.inputs()) {
    const std::string& name = input->name();
    if (name.empty()) throw Error("neural network backend: a model input has no name");
    if (!ctx.reserveBlobName(name))
      throw Error("neural network backend: two model inputs are named '" + name + "'");
    ctx.nameBlob(input.get(), name);
    describeArray(description->add_input(), name, input->type(), true);
  }

  // Values computed at top level are written straight under their output name; anything else
  // (an input, a constant, a value returned twice) is copied there at the end.
  std::vector<std::pair<const ir::Value*, std::string>> finalCopies;
  for (size_t i = 0; i < milGraph.outputs().size(); ++i) {
    const ir::Value* value = milGraph.outputs()[i];
    std::string name = outputName(milGraph, i);
    if (!ctx.reserveBlobName(name))
      throw Error("neural network backend: output name '" + name + "' is used twice");
    const ir::Node* producer = value->producer();
    bool direct = producer && producer->owner() == milGraph.top() &&
                  producer->kind() != "mil.const" && !ctx.hasBlob(value);
    if (direct) {
      ctx.nameBlob(value, name);
    } else {
      finalCopies.emplace_back(value, name);
    }
    describeArray(description->add_output(), name, value->type(), false);
  }

  for (const auto& node : milGraph.top()->nodes()) ctx.lowerNode(*node);
  for (const auto& [value, name] : finalCopies) ctx.addCopy(ctx.blob(value), name);

  if (network->layers_size() == 0)
    throw Error("neural network backend: the model computes nothing (no layers)");
  model.set_specificationversion(ctx.requiredSpecVersion());
  writeMetadata(options.metadata, description->mutable_metadata());
  return model;
}

void writeNeuralNetwork(const ir::Graph& milGraph, const std::string& path,
                        const NeuralNetworkOptions& options) {
  // Everything is built in memory first, so a lowering error never touches the file system.
  spec::Model model = buildNeuralNetworkSpec(milGraph, options);
  coreml::saveMLModel(model, path);
}

}  // namespace ts2coreml::backends
