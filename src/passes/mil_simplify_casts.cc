// Casts that change nothing: a cast to the value's own dtype, and the middle of a chain
// cast(cast(x, a), b) when a holds every value of x's dtype exactly (fp16 -> fp32 -> fp16, or
// int8 -> int32 -> fp32 which is int8 -> fp32). A cast through a narrower dtype (fp32 -> fp16 ->
// fp32) rounds, so it stays.
#include "passes/mil_cleanup_steps.h"

namespace ts2coreml::passes::mil {

namespace {

std::optional<DType> castTarget(const ir::Node* cast) {
  ir::Value* dtype = cast->namedInput("dtype");
  auto name = dtype ? constString(dtype) : std::nullopt;
  return name ? dtypeFromMilName(*name) : std::nullopt;
}

size_t inputIndex(const ir::Node* node, const std::string& name) {
  for (size_t i = 0; i < node->inputNames().size(); ++i) {
    if (node->inputNames()[i] == name) return i;
  }
  return node->inputs().size();
}

}  // namespace

int simplifyCasts(ir::Graph& graph, UseTracker& uses) {
  int rewrites = 0;
  for (ir::Node* node : collectNodes(graph.top())) {
    if (node->kind() != "mil.cast" || uses.isRetired(node) || node->numOutputs() != 1) continue;
    const size_t xIndex = inputIndex(node, "x");
    auto target = castTarget(node);
    if (xIndex >= node->inputs().size() || !target) continue;

    // Skip an inner cast that loses nothing: cast(cast(x0, a), b) reads x0 directly.
    ir::Node* inner = node->input(xIndex)->producer();
    if (inner && inner->kind() == "mil.cast" && !uses.isRetired(inner)) {
      ir::Value* source = inner->namedInput("x");
      auto sourceType = source ? dtypeOf(source) : std::nullopt;
      auto middle = castTarget(inner);
      if (sourceType && middle && representsExactly(*sourceType, *middle)) {
        uses.setInput(node, xIndex, source);
        ++rewrites;
      }
    }

    ir::Value* x = node->input(xIndex);
    if (dtypeOf(x) == target && !uses.isReturned(node->output())) {
      uses.redirect(node->output(), x);
      uses.retire(node);
      ++rewrites;
    }
  }
  return rewrites;
}

}  // namespace ts2coreml::passes::mil
