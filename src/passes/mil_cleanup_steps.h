// The steps of cleanupMilProgram, one file each. Every step walks the whole program (nested cond
// and while_loop blocks included), rewrites what matches and returns how many rewrites it made.
// Dead ops are left with no inputs for dead-code elimination to erase.
#pragma once

#include "ir/graph.h"
#include "passes/mil_rewrite.h"

namespace ts2coreml::passes::mil {

// identity ops whose output is neither a graph output nor a block return.
int bypassIdentities(ir::Graph& graph, UseTracker& uses);
// Casts to the value's own dtype, and casts through a dtype that holds every source value.
int simplifyCasts(ir::Graph& graph, UseTracker& uses);
// conv/linear -> batch_norm with constant statistics: one conv/linear with folded weights.
int fuseBatchNorm(ir::Graph& graph, UseTracker& uses);
// conv/linear -> add/sub/mul/real_div by a constant that is per output channel (or one number):
// folded into the weights and bias.
int fuseChannelAffine(ir::Graph& graph, UseTracker& uses);
// clip(add(mul(x, a), b), 0, 1) -> sigmoid_hard(x, a, b) (an ML Program op).
int fuseHardSigmoid(ir::Graph& graph, UseTracker& uses);
// Constants of the same type and value: all uses go to the first one.
int deduplicateConstants(ir::Graph& graph, UseTracker& uses);

}  // namespace ts2coreml::passes::mil
