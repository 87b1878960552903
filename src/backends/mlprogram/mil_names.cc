#include "backends/mlprogram/mil_names.h"

#include <cctype>

#include "core/error.h"

namespace ts2coreml::backends {

namespace {

// MIL type keywords that coremltools refuses as plain names.
const std::set<std::string> kReserved = {"any",   "bool",  "program", "func",   "tensor", "list",
                                         "dict",  "tuple", "true",    "false",  "string", "bf16",
                                         "fp16",  "fp32",  "fp64",    "int8",   "int16",  "int32",
                                         "int64", "uint8", "uint16",  "uint32", "uint64", "state"};

std::string opType(const ir::Node* node) {
  const std::string& kind = node->kind();
  return kind.rfind("mil.", 0) == 0 ? kind.substr(4) : sanitizeMilIdentifier(kind);
}

}  // namespace

std::string sanitizeMilIdentifier(const std::string& text) {
  std::string name;
  for (char c : text) {
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "_" + name;
  if (kReserved.count(name)) name += "_";
  return name;
}

std::string MilNamer::reserve(const std::string& base) {
  std::string name = base;
  for (int k = 1; used_.count(name); ++k) name = base + "_" + std::to_string(k);
  used_.insert(name);
  return name;
}

std::string MilNamer::generated(const std::string& type) {
  for (;;) {
    std::string name = type + "_" + std::to_string(counters_[type]++);
    if (!used_.count(name)) {
      used_.insert(name);
      return name;
    }
  }
}

MilNamer::MilNamer(const ir::Graph& graph) {
  for (const auto& input : graph.inputs()) {
    std::string name = sanitizeMilIdentifier(input->name().empty() ? "input" : input->name());
    if (used_.count(name)) throw Error("two model inputs are both named '" + name + "'");
    used_.insert(name);
    values_[input.get()] = name;
    inputNames_.push_back(name);
  }
  for (size_t i = 0; i < inputNames_.size(); ++i) {
    const auto& type = graph.inputs()[i]->type();
    const bool scalar = type->isTensor() && type->shape() && type->shape()->empty();
    scalarInputs_.push_back(scalar);
    scalarAxes_.push_back(scalar ? reserve(inputNames_[i] + "_squeeze_axes") : std::string());
    if (scalar) values_[graph.inputs()[i].get()] = reserve(inputNames_[i] + "_scalar");
  }

  const auto& outputs = graph.outputs();
  if (graph.outputNames().size() != outputs.size()) {
    throw Error("the graph has " + std::to_string(outputs.size()) + " outputs but " +
                std::to_string(graph.outputNames().size()) + " output names");
  }
  std::set<const ir::Value*> claimed;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string name = sanitizeMilIdentifier(graph.outputNames()[i]);
    if (used_.count(name)) {
      throw Error("model output name '" + name + "' is already used by another input or output");
    }
    used_.insert(name);
    outputNames_.push_back(name);
    const ir::Value* value = outputs[i];
    const ir::Node* producer = value->producer();
    // The producing op's output can carry the output name itself unless the value is a graph
    // input, a constant, or already another output.
    bool direct = producer && producer->owner() == graph.top() && producer->kind() != "mil.const" &&
                  !claimed.count(value);
    if (direct) {
      values_[value] = name;
      claimed.insert(value);
    }
    outputIdentity_.push_back(!direct);
  }
  nameBlock(*graph.top());
}

void MilNamer::nameBlock(const ir::Block& block) {
  for (const auto& node : block.nodes()) {
    const std::string type = opType(node.get());
    for (size_t i = 0; i < node->numOutputs(); ++i) {
      const ir::Value* out = node->output(i);
      if (values_.count(out)) continue;  // a model output
      values_[out] =
          out->name().empty() ? generated(type) : reserve(sanitizeMilIdentifier(out->name()));
    }
    ops_[node.get()] = node->numOutputs() == 1 ? values_[node->output(0)] : generated(type);

    // Block inputs: the i-th input is named alike in every block of the op (while_loop's cond
    // and body blocks), from the first hint found, else "<op>_x<i>".
    size_t maxParams = 0;
    for (const auto& inner : node->blocks())
      maxParams = std::max(maxParams, inner->params().size());
    for (size_t i = 0; i < maxParams; ++i) {
      std::string hint;
      for (const auto& inner : node->blocks()) {
        if (i < inner->params().size() && hint.empty()) hint = inner->param(i)->name();
      }
      std::string name = reserve(hint.empty() ? ops_[node.get()] + "_x" + std::to_string(i)
                                              : sanitizeMilIdentifier(hint));
      for (const auto& inner : node->blocks()) {
        if (i < inner->params().size()) values_[inner->param(i)] = name;
      }
    }
    for (const auto& inner : node->blocks()) nameBlock(*inner);
  }
}

const std::string& MilNamer::valueName(const ir::Value* value) const {
  auto it = values_.find(value);
  if (it == values_.end()) {
    throw Error("value %" + std::to_string(value->id()) +
                (value->name().empty() ? std::string() : " ('" + value->name() + "')") +
                " is used but not defined in the graph");
  }
  return it->second;
}

const std::string& MilNamer::opName(const ir::Node* node) const {
  return ops_.at(node);
}

}  // namespace ts2coreml::backends
