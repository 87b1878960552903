#include "ir/printer.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace ts2coreml::ir {

namespace {

std::string valueRef(const Value* value) {
  std::string text = "%";
  if (!value->name().empty()) text += value->name() + ".";
  return text + std::to_string(value->id());
}

std::string valueDecl(const Value* value) {
  return valueRef(value) + " : " + value->type()->str();
}

// Shortest text that reads back as the same element: 9 digits for float32 (and fp16, whose
// values are all float32 values), 17 for float64.
std::string elementText(const Tensor& tensor, int64_t index) {
  // int64 beyond 2^53 does not survive a double.
  if (tensor.dtype() == DType::Int64) return std::to_string(tensor.data<int64_t>()[index]);
  double v = tensor.elementAsDouble(index);
  if (!isFloatingPoint(tensor.dtype())) return std::to_string(static_cast<int64_t>(v));
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, tensor.dtype() == DType::Float64 ? "%.17g" : "%.9g", v);
  return buffer;
}

std::string fullText(const IValue& value) {
  switch (value.kind()) {
    case IValue::Kind::Tensor: {
      const Tensor tensor = value.toTensor().contiguous();
      std::string text = value.repr() + "{";
      for (int64_t i = 0; i < tensor.numel(); ++i) text += (i ? ", " : "") + elementText(tensor, i);
      return text + "}";
    }
    case IValue::Kind::List:
    case IValue::Kind::Tuple: {
      std::string text = value.isList() ? "[" : "(";
      const auto& items = value.items();
      for (size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + fullText(items[i]);
      if (value.isTuple() && items.size() == 1) text += ",";
      return text + (value.isList() ? "]" : ")");
    }
    case IValue::Kind::Dict: {
      std::string text = "{";
      bool first = true;
      for (const auto& [key, item] : value.toDict()->items) {
        text += (first ? "" : ", ") + fullText(key) + ": " + fullText(item);
        first = false;
      }
      return text + "}";
    }
    default:
      return value.repr();
  }
}

std::string attributeText(const IValue& value, bool parseable) {
  if (parseable) return fullText(value);
  std::string text = value.repr();
  // Keep huge constant lists readable.
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

class Printer {
 public:
  Printer(std::ostringstream& out, const PrintOptions& options) : out_(out), options_(options) {}

  void printBlockBody(const Block* block, int indent) {
    for (const auto& node : block->nodes()) printNode(node.get(), indent);
  }

  void printNode(const Node* node, int indent) {
    pad(indent);
    for (size_t i = 0; i < node->numOutputs(); ++i) {
      if (i) out_ << ", ";
      out_ << valueDecl(node->output(i));
    }
    if (node->numOutputs()) out_ << " = ";
    out_ << node->kind();
    if (!node->attributes().empty()) {
      out_ << "[";
      bool first = true;
      for (const auto& [name, value] : node->attributes()) {
        if (!first) out_ << ", ";
        first = false;
        out_ << name << "=" << attributeText(value, options_.parseable);
      }
      out_ << "]";
    }
    out_ << "(";
    for (size_t i = 0; i < node->inputs().size(); ++i) {
      if (i) out_ << ", ";
      if (i < node->inputNames().size() && !node->inputNames()[i].empty()) {
        out_ << node->inputNames()[i] << "=";
      }
      out_ << valueRef(node->input(i));
    }
    out_ << ")";
    if (node->location().known()) out_ << "  # " << node->location().describe();
    out_ << "\n";
    for (size_t b = 0; b < node->blocks().size(); ++b) {
      const Block* block = node->block(b);
      pad(indent + 1);
      out_ << "block" << b << "(";
      for (size_t i = 0; i < block->params().size(); ++i) {
        if (i) out_ << ", ";
        out_ << valueDecl(block->param(i));
      }
      out_ << "):\n";
      printBlockBody(block, indent + 2);
      pad(indent + 2);
      out_ << "-> (" << refs(block->returns()) << ")\n";
    }
  }

  static std::string refs(const std::vector<Value*>& values) {
    std::string text;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) text += ", ";
      text += valueRef(values[i]);
    }
    return text;
  }

 private:
  void pad(int indent) { out_ << std::string(static_cast<size_t>(indent) * 2, ' '); }
  std::ostringstream& out_;
  const PrintOptions& options_;
};

}  // namespace

std::string printGraph(Graph& graph, const PrintOptions& options) {
  graph.renumber();
  std::ostringstream out;
  out << "graph(";
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    if (i) out << ",\n      ";
    out << valueDecl(graph.inputs()[i].get());
  }
  out << "):\n";
  Printer printer(out, options);
  printer.printBlockBody(graph.top(), 1);
  out << "  return (" << Printer::refs(graph.outputs()) << ")\n";
  return out.str();
}

}  // namespace ts2coreml::ir
