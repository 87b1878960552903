#include "passes/mil_cleanup.h"

#include "passes/pipelines.h"

namespace ts2coreml::passes {

void cleanupMilProgram(ir::Graph& milGraph, const MilCleanupOptions& options) {
  PassManager({}).run(milGraph, {"mil-cleanup", milCleanupStages(options.mlProgramOps)});
}

}  // namespace ts2coreml::passes
