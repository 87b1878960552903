#include "passes/pipelines.h"

namespace ts2coreml::passes {

Pipeline torchPipeline() {
  return {"torch", {{{"fold-constants", "eliminate-dead-code"}}}};
}

Pipeline formatPipeline(const PipelineConfig& config) {
  if (!config.mlProgram) {
    // Neural networks carry the image scale/bias as a preprocessing message, and compute in fp32
    // (fp16 only shrinks their weights, in the backend).
    return {"neuralnetwork", {}};
  }
  Pipeline pipeline{"mlprogram", {{{"add-image-preprocessing"}}}};
  // After the preprocessing ops exist, so that they compute in fp16 too.
  if (config.fp16) pipeline.stages.push_back({{"fp16-compute-precision"}});
  return pipeline;
}

std::vector<PipelineStage> milCleanupStages(bool mlProgramOps) {
  // Each round can expose new matches (a conv that absorbed a batch_norm can absorb the add after
  // it next round); a program stops changing within a few rounds, the bound is a safety net.
  PipelineStage fusions{
      {"bypass-identities", "simplify-casts", "fuse-batch-norm", "fuse-channel-affine"}, 16};
  // sigmoid_hard is an ML Program op; the neural-network backend has no layer for it.
  if (mlProgramOps) fusions.passes.push_back("fuse-hard-sigmoid");
  fusions.passes.push_back("eliminate-dead-code");
  // Last, once the fusions have made their new constants and dropped the old ones.
  PipelineStage constants{{"deduplicate-constants", "eliminate-dead-code"}};
  return {fusions, constants};
}

Pipeline milCommonPipeline(const PipelineConfig& config) {
  // Outputs are cast first so that the cleanup sees (and can cancel) the casts.
  Pipeline pipeline{"mil-common", {{{"cast-outputs"}}}};
  for (PipelineStage& stage : milCleanupStages(config.mlProgram))
    pipeline.stages.push_back(std::move(stage));
  return pipeline;
}

std::vector<Pipeline> conversionPipelines(const PipelineConfig& config) {
  return {torchPipeline(), formatPipeline(config), milCommonPipeline(config)};
}

}  // namespace ts2coreml::passes
