#pragma once

#include "ir/graph.h"

namespace ts2coreml::passes {

struct MilCleanupOptions {
  // Fusions into ops that only ML Programs have (sigmoid_hard); off for neural networks, whose
  // backend has no layer for them.
  bool mlProgramOps = false;
};

// Cleans a MIL-level program before it is written: identity ops and casts that cancel are
// bypassed, conv/linear absorb a following constant batch_norm, bias add or scale, the
// mul/add/clip form of hard sigmoid becomes one op (ML Programs), equal constants are shared and
// whatever is left unused is removed. Graph outputs and block returns stay valid.
void cleanupMilProgram(ir::Graph& milGraph, const MilCleanupOptions& options = {});

}  // namespace ts2coreml::passes
