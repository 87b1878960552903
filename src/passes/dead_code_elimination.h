#pragma once

#include <functional>

#include "ir/graph.h"

namespace ts2coreml::passes {

// Whether a node must stay although nothing reads its outputs. The torch level passes the op
// table's side-effects column (lower::hasSideEffects); MIL ops have none.
using SideEffectQuery = std::function<bool(const ir::Node&)>;

// Removes nodes whose outputs are unused and that have no side effect (by `hasSideEffects`, for
// the node or any node in its blocks), at any IR level. Returns the number of nodes removed.
int eliminateDeadCode(ir::Graph& graph, const SideEffectQuery& hasSideEffects = {});

}  // namespace ts2coreml::passes
