// MIL op signatures checked against the op table (ir/mil_ops.def): the op exists, every input
// name is one of its parameters (a list parameter's inputs consecutive), every required parameter
// is given, and parameters that must be constants are read from mil.const.
#include <set>
#include <unordered_set>

#include "core/error.h"
#include "ir/mil_op_table.h"
#include "ir/verifier.h"

namespace ts2coreml::ir {

namespace {

class SignatureChecker {
 public:
  SignatureChecker(const Graph& graph, const std::string& context) : context_(context) {
    collectUses(*graph.top());
  }

  void checkBlock(const Block& block) {
    for (const auto& node : block.nodes()) {
      if (node->kind().rfind("mil.", 0) == 0) checkNode(*node);
      for (const auto& inner : node->blocks()) checkBlock(*inner);
    }
  }

 private:
  void checkNode(const Node& node) {
    const MilOpSpec* spec = findMilOpSpecOfKind(node.kind());
    if (!spec) fail(node, "unknown MIL op (not in src/ir/mil_ops.def)");
    if (spec->name == "const" && !node.hasAttribute("val")) fail(node, "a const without 'val'");
    const auto& names = node.inputNames();
    if (names.size() != node.inputs().size()) fail(node, "an input without a parameter name");
    std::set<std::string> given;
    for (size_t i = 0; i < names.size(); ++i) {
      const MilInputSpec* input = spec->input(names[i]);
      if (!input) fail(node, "no parameter '" + names[i] + "' in " + describe(*spec));
      const bool continuesList = i > 0 && names[i - 1] == names[i];
      if (!given.insert(names[i]).second && !(input->variadic && continuesList)) {
        fail(node, "parameter '" + names[i] + "' given twice");
      }
      if (input->mustBeConst && !isConstant(node.input(i))) {
        fail(node, "parameter '" + names[i] + "' must be a constant (mil.const)");
      }
    }
    // A node a rewrite retired (its inputs cleared, its results unused) waits for dead-code
    // elimination; it is not an op of the program any more.
    if (names.empty() && !anyOutputUsed(node)) return;
    for (const MilInputSpec& input : spec->inputs) {
      if (!input.optional && !given.count(std::string(input.name))) {
        fail(node, "required parameter '" + std::string(input.name) + "' missing");
      }
    }
  }

  void collectUses(const Block& block) {
    for (const Value* ret : block.returns()) used_.insert(ret);
    for (const auto& node : block.nodes()) {
      for (const Value* input : node->inputs()) used_.insert(input);
      for (const auto& inner : node->blocks()) collectUses(*inner);
    }
  }

  bool anyOutputUsed(const Node& node) const {
    for (size_t i = 0; i < node.numOutputs(); ++i) {
      if (used_.count(node.output(i))) return true;
    }
    return false;
  }

  static bool isConstant(const Value* value) {
    return value->producer() && value->producer()->kind() == "mil.const";
  }

  static std::string describe(const MilOpSpec& spec) {
    return "the row of '" + std::string(spec.name) + "'";
  }

  [[noreturn]] void fail(const Node& node, const std::string& what) {
    throw Error(context_ + ": invalid MIL: " + node.describe() + ": " + what);
  }

  const std::string& context_;
  std::unordered_set<const Value*> used_;
};

}  // namespace

void verifyMilOpSignatures(const Graph& graph, const std::string& context) {
  SignatureChecker(graph, context).checkBlock(*graph.top());
}

}  // namespace ts2coreml::ir
