#include "passes/mil_cleanup.h"

#include "passes/dead_code_elimination.h"
#include "passes/mil_cleanup_steps.h"

namespace ts2coreml::passes {

namespace {

// Each round can expose new matches (a conv that absorbed a batch_norm can absorb the add after
// it next round); a program stops changing within a few rounds, the bound is a safety net.
constexpr int kMaxRounds = 16;

}  // namespace

void cleanupMilProgram(ir::Graph& milGraph, const MilCleanupOptions& options) {
  for (int round = 0; round < kMaxRounds; ++round) {
    mil::UseTracker uses(milGraph);
    int rewrites = mil::bypassIdentities(milGraph, uses);
    rewrites += mil::simplifyCasts(milGraph, uses);
    rewrites += mil::fuseBatchNorm(milGraph, uses);
    rewrites += mil::fuseChannelAffine(milGraph, uses);
    if (options.mlProgramOps) rewrites += mil::fuseHardSigmoid(milGraph, uses);
    eliminateDeadCode(milGraph);
    if (!rewrites) break;
  }
  // Last, once the fusions have made their new constants and dropped the old ones.
  mil::UseTracker uses(milGraph);
  mil::deduplicateConstants(milGraph, uses);
  eliminateDeadCode(milGraph);
}

}  // namespace ts2coreml::passes
