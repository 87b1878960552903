// Structural checks run after every pass in debug builds and by tests: every use is defined
// before it in an enclosing scope, control-flow nodes have the right block shapes.
#pragma once

#include "ir/graph.h"

namespace ts2coreml::ir {

// Throws ts2coreml::Error describing the first violation (with the pass name as context).
void verifyGraph(const Graph& graph, const std::string& context);

}  // namespace ts2coreml::ir
