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
                   const ir::TypePtr& type, bool requireShape,
                   const InputFeature* given = nullptr) {
  feature->set_name(name);
  if (given) feature->set_shortdescription(given->description);
  if (given && given->image) {
    *feature->mutable_type() = imageFeatureType(*given);
    return;
  }
  if (given && (!given->ranges.empty() || !given->enumerated.empty())) {
    auto* array = feature->mutable_type()->mutable_multiarraytype();
    array->set_datatype(spec::ArrayFeatureType::FLOAT32);
    for (int64_t dim : given->defaultShape) array->add_shape(dim);
    addShapeFlexibility(*given, array);
    return;
  }
  auto* array = feature->mutable_type()->mutable_multiarraytype();
  // Blobs are float inside the network; Core ML hands an INT32 output over converted.
  const bool int32Output =
      !requireShape && type && type->isTensor() && type->dtype() == DType::Int32;
  array->set_datatype(int32Output ? spec::ArrayFeatureType::INT32
                                  : spec::ArrayFeatureType::FLOAT32);
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

// Core ML applies value = channelScale * pixel + bias[channel] to an image input before the first
// layer; the biases are named by color.
void addImagePreprocessing(spec::NeuralNetwork* network, const std::string& name,
                           const ImageInput& image) {
  auto* scaler = network->add_preprocessing();
  scaler->set_featurename(name);
  auto* values = scaler->mutable_scaler();
  values->set_channelscale(image.scale);
  auto bias = [&](size_t channel) {
    if (image.bias.empty()) return 0.0f;
    return image.bias.size() == 1 ? image.bias[0] : image.bias.at(channel);
  };
  switch (image.layout) {
    case ColorLayout::Grayscale:
      values->set_graybias(bias(0));
      break;
    case ColorLayout::RGB:
      values->set_redbias(bias(0));
      values->set_greenbias(bias(1));
      values->set_bluebias(bias(2));
      break;
    case ColorLayout::BGR:
      values->set_bluebias(bias(0));
      values->set_greenbias(bias(1));
      values->set_redbias(bias(2));
      break;
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
  for (size_t i = 0; i < milGraph.inputs().size(); ++i) {
    const auto& input = milGraph.inputs()[i];
    const std::string& name = input->name();
    if (name.empty()) throw Error("neural network backend: a model input has no name");
    if (!ctx.reserveBlobName(name))
      throw Error("neural network backend: two model inputs are named '" + name + "'");
    ctx.nameBlob(input.get(), name);
    const InputFeature* given = inputFeature(options.interface, i);
    describeArray(description->add_input(), name, input->type(), true, given);
    if (given && given->image) addImagePreprocessing(network, name, *given->image);
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
    if (i < options.interface.outputDescriptions.size())
      description->mutable_output(static_cast<int>(i))
          ->set_shortdescription(options.interface.outputDescriptions[i]);
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
  // The weights alone decide whether the file can fit: refuse before copying them into memory.
  uint64_t weightBytes = 0;
  ir::forEachNode(milGraph.top(), [&](ir::Node* node) {
    if (node->kind() != "mil.const") return;
    const IValue& value = node->attribute("val");
    if (!value.isTensor()) return;
    uint64_t elements = static_cast<uint64_t>(value.toTensor().numel());
    weightBytes += elements * (options.fp16Weights ? 2 : 4);
  });
  auto refuse = [&](uint64_t bytes) {
    throw Error("the neural network would take " + std::to_string(bytes) + " bytes, over the " +
                std::to_string(options.maxFileBytes) +
                "-byte protobuf limit of a .mlmodel file (2 GB); write an ML Program "
                "(.mlpackage), which keeps the weights in a separate weight.bin");
  };
  if (weightBytes > options.maxFileBytes) refuse(weightBytes);
  // Everything is built in memory first, so a lowering error never touches the file system.
  spec::Model model = buildNeuralNetworkSpec(milGraph, options);
  if (model.ByteSizeLong() > options.maxFileBytes) refuse(model.ByteSizeLong());
  coreml::saveMLModel(model, path);
}

}  // namespace ts2coreml::backends
