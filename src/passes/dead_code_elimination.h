#pragma once

#include "ir/graph.h"

namespace ts2coreml::passes {

// Removes nodes whose outputs are unused and that have no side effect, at any IR level.
// Returns the number of nodes removed.
int eliminateDeadCode(ir::Graph& graph);

}  // namespace ts2coreml::passes
