#include "ir/printer.h"

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

std::string attributeText(const IValue& value) {
  std::string text = value.repr();
  // Keep huge constant lists readable.
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

class Printer {
 public:
  explicit Printer(std::ostringstream& out) : out_(out) {}

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
        out_ << name << "=" << attributeText(value);
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
};

}  // namespace

std::string printGraph(Graph& graph) {
  graph.renumber();
  std::ostringstream out;
  out << "graph(";
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    if (i) out << ",\n      ";
    out << valueDecl(graph.inputs()[i].get());
  }
  out << "):\n";
  Printer printer(out);
  printer.printBlockBody(graph.top(), 1);
  out << "  return (" << Printer::refs(graph.outputs()) << ")\n";
  return out.str();
}

}  // namespace ts2coreml::ir
