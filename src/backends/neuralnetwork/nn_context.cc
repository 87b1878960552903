#include "backends/neuralnetwork/nn_context.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "ir/mil_op_table.h"

namespace ts2coreml::backends::nn {

namespace {

std::string sanitize(const std::string& hint) {
  std::string name;
  for (char c : hint) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    name.push_back(ok ? c : '_');
  }
  return name.empty() ? std::string("var") : name;
}

std::string uniqueIn(std::set<std::string>& used, const std::string& hint) {
  std::string base = sanitize(hint);
  std::string name = base;
  for (int k = 1; used.count(name); ++k) name = base + "_" + std::to_string(k);
  used.insert(name);
  return name;
}

}  // namespace

NNContext::NNContext(const NeuralNetworkOptions& options, spec::NeuralNetwork* root)
    : options_(options), specVersion_(std::max(4, options.specificationVersion)), root_(root) {
  networks_.push_back(root);
}

void NNContext::requireSpecVersion(int version, const ir::Node& node, const std::string& what) {
  // The deployment target is a promise about the oldest OS: a layer it lacks is refused.
  if (version > options_.specificationVersion) {
    fail(node, what + " needs iOS" + std::to_string(version + 9) +
                   " in a neural network (specification version " + std::to_string(version) +
                   "); convert with --minimum-deployment-target iOS" + std::to_string(version + 9) +
                   ", or write an ML Program (.mlpackage)");
  }
  specVersion_ = std::max(specVersion_, version);
}

void NNContext::nameBlob(const ir::Value* value, const std::string& name) {
  usedBlobNames_.insert(name);
  blobs_[value] = name;
}

std::string NNContext::freshBlobName(const std::string& hint) {
  return uniqueIn(usedBlobNames_, hint);
}

std::string NNContext::blob(const ir::Value* value) {
  auto it = blobs_.find(value);
  if (it != blobs_.end()) return it->second;
  if (value->producer() && value->producer()->kind() == "mil.const") return loadConstant(value);
  std::string what = value->name().empty() ? "a value" : "value '" + value->name() + "'";
  if (value->producer())
    throw Error("neural network backend: " + what + " of " + value->producer()->describe() +
                " is used before it is computed");
  throw Error("neural network backend: " + what + " is used outside the block that defines it");
}

std::string NNContext::outputBlob(const ir::Value* value) {
  auto it = blobs_.find(value);
  if (it != blobs_.end()) return it->second;
  std::string hint = value->name();
  if (hint.empty())
    hint =
        "var_" + std::to_string(value->id() >= 0 ? value->id() : static_cast<int>(blobs_.size()));
  std::string name = freshBlobName(hint);
  blobs_[value] = name;
  return name;
}

std::string NNContext::uniqueLayerName(const std::string& hint) {
  return uniqueIn(usedLayerNames_, hint);
}

spec::NeuralNetworkLayer* NNContext::addLayer(const std::string& nameHint,
                                              const std::vector<std::string>& inputs,
                                              const std::vector<std::string>& outputs) {
  spec::NeuralNetworkLayer* layer = network()->add_layers();
  layer->set_name(uniqueLayerName(nameHint));
  for (const auto& in : inputs) layer->add_input(in);
  for (const auto& out : outputs) layer->add_output(out);
  return layer;
}

spec::NeuralNetworkLayer* NNContext::addLayer(const ir::Node& node,
                                              const std::vector<const ir::Value*>& inputs) {
  std::vector<std::string> inNames;
  for (const ir::Value* v : inputs) inNames.push_back(blob(v));
  std::vector<std::string> outNames;
  for (size_t i = 0; i < node.numOutputs(); ++i) outNames.push_back(outputBlob(node.output(i)));
  std::string hint =
      outNames.empty() ? node.kind().substr(node.kind().find('.') + 1) : outNames.front();
  return addLayer(hint, inNames, outNames);
}

void NNContext::addCopy(const std::string& from, const std::string& to) {
  if (from == to) return;
  addLayer("copy_" + to, {from}, {to})->mutable_copy();
}

void NNContext::lowerBlock(const ir::Block& block, spec::NeuralNetwork* into) {
  networks_.push_back(into);
  for (const auto& node : block.nodes()) lowerNode(*node);
  networks_.pop_back();
}

void NNContext::lowerNode(const ir::Node& node) {
  const std::string& kind = node.kind();
  // The op table (ir/mil_ops.def) decides; nn_registry.cc only holds the lowering functions.
  const ir::MilOpSpec* spec = ir::findMilOpSpecOfKind(kind);
  // mil.const: loaded on first use (see the header).
  if (spec && spec->neuralNetwork == ir::MilNeuralNetwork::BackendHandles) return;
  std::string op = kind.rfind("mil.", 0) == 0 ? kind.substr(4) : kind;
  if (!spec || spec->neuralNetwork == ir::MilNeuralNetwork::MlProgramOnly) {
    std::string where = node.location().known() ? " at " + node.location().describe() : "";
    std::string why = spec ? ": " + std::string(spec->nnDetail) : "";
    throw Error("neural network backend: no layer for MIL op '" + op + "'" + where + why +
                " (use .mlpackage / ML Program)");
  }
  const auto& table = layerLoweringRegistry();
  auto it = table.find(op);
  if (it == table.end()) {
    throw Error("internal error: the op table gives MIL op '" + op + "' the neural-network " +
                "lowering " + std::string(spec->nnDetail) + ", which nn_registry.cc lacks");
  }
  it->second(*this, node);
}

std::string NNContext::loadConstant(const ir::Value* value) {
  const Tensor* tensor = constTensor(value);
  if (!tensor) {
    throw Error("neural network backend: constant " + value->producer()->describe() +
                " is not a tensor and cannot be a blob");
  }
  std::string name = outputBlob(value);
  // Loaded into the root network so that every nested network sees it.
  spec::NeuralNetworkLayer* layer = root_->add_layers();
  layer->set_name(uniqueLayerName(name));
  layer->add_output(name);
  auto* params = layer->mutable_loadconstantnd();
  if (tensor->rank() == 0) {
    params->add_shape(1);
  } else {
    for (int64_t d : tensor->shape()) params->add_shape(static_cast<uint64_t>(d));
  }
  fillWeights(params->mutable_data(), *tensor);
  return name;
}

const ir::Value* NNContext::optionalInput(const ir::Node& node, const std::string& param) const {
  return node.namedInput(param);
}

const ir::Value* NNContext::input(const ir::Node& node, const std::string& param) const {
  const ir::Value* value = node.namedInput(param);
  if (!value) fail(node, "missing input '" + param + "'");
  return value;
}

const Tensor* NNContext::constTensor(const ir::Value* value) {
  if (!value || !value->producer() || value->producer()->kind() != "mil.const") return nullptr;
  const ir::Node* node = value->producer();
  if (!node->hasAttribute("val") || !node->attribute("val").isTensor()) return nullptr;
  return &node->attribute("val").toTensor();
}

std::optional<std::string> NNContext::constString(const ir::Value* value) {
  if (!value || !value->producer() || value->producer()->kind() != "mil.const") return std::nullopt;
  const ir::Node* node = value->producer();
  if (!node->hasAttribute("val") || !node->attribute("val").isString()) return std::nullopt;
  return node->attribute("val").toString();
}

std::optional<double> NNContext::scalarConst(const ir::Value* value) {
  const Tensor* tensor = constTensor(value);
  if (!tensor || tensor->numel() != 1) return std::nullopt;
  return tensor->elementAsDouble(0);
}

Tensor NNContext::constFloatTensor(const ir::Node& node, const std::string& param) const {
  const Tensor* tensor = constTensor(input(node, param));
  if (!tensor)
    fail(node, "input '" + param + "' must be a constant for the neural network backend");
  return tensor->contiguous().to(DType::Float32);
}

std::vector<int64_t> NNContext::constInts(const ir::Node& node, const std::string& param,
                                          std::vector<int64_t> fallback) const {
  const ir::Value* value = optionalInput(node, param);
  if (!value) return fallback;
  const Tensor* tensor = constTensor(value);
  if (!tensor)
    fail(node, "input '" + param + "' must be a constant for the neural network backend");
  std::vector<int64_t> values;
  for (int64_t i = 0; i < tensor->numel(); ++i)
    values.push_back(static_cast<int64_t>(tensor->elementAsDouble(i)));
  return values;
}

std::string NNContext::constStr(const ir::Node& node, const std::string& param,
                                std::string fallback) const {
  const ir::Value* value = optionalInput(node, param);
  if (!value) return fallback;
  auto text = constString(value);
  if (!text) fail(node, "input '" + param + "' must be a constant string");
  return *text;
}

double NNContext::constNumber(const ir::Node& node, const std::string& param,
                              double fallback) const {
  const ir::Value* value = optionalInput(node, param);
  if (!value) return fallback;
  auto number = scalarConst(value);
  if (!number)
    fail(node, "input '" + param + "' must be a constant scalar for the neural network backend");
  return *number;
}

bool NNContext::constFlag(const ir::Node& node, const std::string& param, bool fallback) const {
  return constNumber(node, param, fallback ? 1.0 : 0.0) != 0.0;
}

std::optional<Shape> NNContext::staticShape(const ir::Value* value) {
  const auto& type = value->type();
  if (!type || !type->isTensor() || !type->shape()) return std::nullopt;
  Shape shape = *type->shape();
  if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) return std::nullopt;
  if (shape.empty()) shape = {1};
  return shape;
}

int64_t NNContext::rankOf(const ir::Value* value) {
  const auto& type = value->type();
  if (!type || !type->isTensor() || !type->shape()) return -1;
  return std::max<int64_t>(1, static_cast<int64_t>(type->shape()->size()));
}

void NNContext::fillWeights(spec::WeightParams* weights, const Tensor& tensor) const {
  Tensor source = tensor.contiguous();
  bool half = options_.fp16Weights && isFloatingPoint(source.dtype());
  if (half) {
    if (source.dtype() == DType::Float16) {
      weights->set_float16value(source.rawData(), source.nbytes());
      return;
    }
    Tensor f32 = source.to(DType::Float32);
    std::string bytes(static_cast<size_t>(f32.numel()) * 2, '\0');
    const float* data = f32.data<float>();
    for (int64_t i = 0; i < f32.numel(); ++i) {
      uint16_t bits = floatToHalf(data[i]);
      std::memcpy(&bytes[static_cast<size_t>(i) * 2], &bits, 2);
    }
    weights->set_float16value(std::move(bytes));
    return;
  }
  // Neural networks have no integer or bool blobs: everything is stored as fp32.
  Tensor f32 = source.to(DType::Float32);
  const float* data = f32.data<float>();
  weights->mutable_floatvalue()->Add(data, data + f32.numel());
}

void NNContext::fail(const ir::Node& node, const std::string& what) const {
  throw Error("neural network backend: " + node.describe() + ": " + what);
}

void setBorderAmounts(spec::BorderAmounts* amounts, const std::vector<int64_t>& pad) {
  for (size_t i = 0; i + 1 < pad.size(); i += 2) {
    auto* edge = amounts->add_borderamounts();
    edge->set_startedgesize(static_cast<uint64_t>(pad[i]));
    edge->set_endedgesize(static_cast<uint64_t>(pad[i + 1]));
  }
}

}  // namespace ts2coreml::backends::nn
