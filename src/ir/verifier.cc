#include "ir/verifier.h"

#include <set>

#include "core/error.h"

namespace ts2coreml::ir {

namespace {

class Verifier {
 public:
  explicit Verifier(std::string context) : context_(std::move(context)) {}

  void verifyBlock(const Block* block, std::set<const Value*> visible) {
    for (const auto& param : block->params()) visible.insert(param.get());
    for (const auto& node : block->nodes()) {
      if (node->owner() != block) fail(node.get(), "node's owner is not its block");
      for (const Value* input : node->inputs()) {
        if (!visible.count(input)) fail(node.get(), "uses a value not defined before it in scope");
      }
      if (!node->inputNames().empty() && node->inputNames().size() != node->inputs().size()) {
        fail(node.get(), "input names and inputs differ in length");
      }
      checkControlFlow(node.get());
      for (const auto& inner : node->blocks()) verifyBlock(inner.get(), visible);
      for (size_t i = 0; i < node->numOutputs(); ++i) {
        if (node->output(i)->producer() != node.get()) fail(node.get(), "output producer mismatch");
        visible.insert(node->output(i));
      }
    }
    for (const Value* ret : block->returns()) {
      if (!visible.count(ret)) {
        throw Error(context_ + ": a block returns a value not visible in its scope");
      }
    }
  }

 private:
  void checkControlFlow(const Node* node) {
    const std::string& kind = node->kind();
    if (kind == "prim::If" || kind == "mil.cond") {
      if (node->blocks().size() != 2) fail(node, "needs two blocks");
      for (const auto& block : node->blocks()) {
        if (block->returns().size() != node->numOutputs()) fail(node, "branch returns != outputs");
      }
    } else if (kind == "prim::Loop") {
      if (node->blocks().size() != 1) fail(node, "needs one block");
      size_t carried = node->inputs().size() - 2;
      if (node->block(0)->params().size() != carried + 1 ||
          node->block(0)->returns().size() != carried + 1 || node->numOutputs() != carried) {
        fail(node, "loop block signature does not match its carried values");
      }
    } else if (kind == "mil.while_loop") {
      if (node->blocks().size() != 2) fail(node, "needs cond and body blocks");
      size_t vars = node->inputs().size();
      if (node->block(0)->params().size() != vars || node->block(1)->params().size() != vars ||
          node->block(0)->returns().size() != 1 || node->block(1)->returns().size() != vars ||
          node->numOutputs() != vars) {
        fail(node, "while_loop blocks do not match its loop vars");
      }
    }
  }

  [[noreturn]] void fail(const Node* node, const std::string& what) {
    throw Error(context_ + ": invalid IR: " + node->describe() + ": " + what);
  }

  std::string context_;
};

}  // namespace

void verifyGraph(const Graph& graph, const std::string& context) {
  Verifier(context).verifyBlock(graph.top(), {});
}

}  // namespace ts2coreml::ir
