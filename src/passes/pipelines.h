// The conversion's pass pipelines, declared in one place (pipelines.cc) in the order they run:
// torch, then lowering to MIL, then the format's own pipeline, then mil-common.
#pragma once

#include <vector>

#include "passes/pass_manager.h"

namespace ts2coreml::passes {

struct PipelineConfig {
  bool mlProgram = true;  // false: neural network
  bool fp16 = false;      // fp16 compute precision (ML Program only)
};

// On the compiled torch-level graph, before lowering.
Pipeline torchPipeline();
// On the lowered MIL program: what only this format does ("mlprogram" or "neuralnetwork").
Pipeline formatPipeline(const PipelineConfig& config);
// On the MIL program after the format pipeline, for both formats.
Pipeline milCommonPipeline(const PipelineConfig& config);
// The cleanup stages of mil-common (identities, casts, fusions, constants, dead code).
std::vector<PipelineStage> milCleanupStages(bool mlProgramOps);

// The three pipelines in the order a conversion runs them.
std::vector<Pipeline> conversionPipelines(const PipelineConfig& config);

}  // namespace ts2coreml::passes
