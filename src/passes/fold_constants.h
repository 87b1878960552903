// fold-constants (torch level): an op whose operands are all prim::Constant becomes the constant
// of its value, computed by the op table's fold hook (the compiler's evaluators: Python's
// semantics of numbers, strings and containers, passes/static_eval.h). The compiler folds this way
// while it emits; the pass does the same on a graph that is already there (IR text, or what an
// earlier pass left), so that the evaluators are reached one way, through the table.
#pragma once

#include <functional>
#include <string>

#include "ir/graph.h"
#include "passes/dead_code_elimination.h"
#include "passes/static_eval.h"

namespace ts2coreml::passes {

// The fold hook of an op kind, or null (lower::foldOf).
using FoldQuery = std::function<const FoldFn*(const std::string&)>;

// Folds every foldable op (one output, no blocks, no side effects, all operands constant) in
// program order, so that chains fold in one run. The folded ops are left unused for dead-code
// elimination. Returns the number of ops folded.
int foldConstants(ir::Graph& graph, const FoldQuery& foldOf, const SideEffectQuery& hasSideEffects);

}  // namespace ts2coreml::passes
