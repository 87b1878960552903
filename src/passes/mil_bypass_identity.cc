// identity ops exist to give a value a second name; inside the program they only cost an op.
// Those whose output is a graph output or block return stay: there the name (or a distinct value
// for a second output) is the point.
#include "passes/mil_cleanup_steps.h"

namespace ts2coreml::passes::mil {

int bypassIdentities(ir::Graph& graph, UseTracker& uses) {
  int rewrites = 0;
  for (ir::Node* node : collectNodes(graph.top())) {
    if (node->kind() != "mil.identity" || uses.isRetired(node) || node->numOutputs() != 1) continue;
    ir::Value* input = node->namedInput("x");
    ir::Value* output = node->output();
    if (!input || uses.isReturned(output)) continue;
    uses.redirect(output, input);
    uses.retire(node);
    ++rewrites;
  }
  return rewrites;
}

}  // namespace ts2coreml::passes::mil
