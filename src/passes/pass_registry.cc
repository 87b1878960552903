// The registration list: every pass by name, in one place (explicit, no static constructors).
#include <functional>

#include "passes/dead_code_elimination.h"
#include "passes/fold_constants.h"
#include "passes/mil_cleanup_steps.h"
#include "passes/mil_fp16.h"
#include "passes/mil_interface.h"
#include "passes/pass_manager.h"

namespace ts2coreml::passes {

namespace {

// A digest of what the interface passes can change (ops, their wiring, value types), so that they
// report a change without each keeping count. Values are told apart by address: renumbering here
// would change the value names the backends write.
size_t structureDigest(ir::Graph& graph) {
  size_t digest = graph.top()->nodes().size();
  auto mix = [&](size_t value) { digest = digest * 1000003u ^ value; };
  std::hash<std::string> hashText;
  for (const auto& input : graph.inputs()) mix(hashText(input->type()->str()));
  ir::forEachNode(graph.top(), [&](ir::Node* node) {
    mix(hashText(node->kind()));
    for (const ir::Value* input : node->inputs()) mix(reinterpret_cast<size_t>(input));
    for (size_t i = 0; i < node->numOutputs(); ++i) mix(hashText(node->output(i)->type()->str()));
  });
  for (const ir::Value* output : graph.outputs()) mix(reinterpret_cast<size_t>(output));
  return digest;
}

bool changes(ir::Graph& graph, const std::function<void()>& rewrite) {
  size_t before = structureDigest(graph);
  rewrite();
  return structureDigest(graph) != before;
}

// A cleanup step with a use tracker of its own.
Pass cleanupStep(std::string name, std::string summary, int (*step)(ir::Graph&, mil::UseTracker&)) {
  return {std::move(name), std::move(summary), [step](ir::Graph& graph, const PassOptions&) {
            mil::UseTracker uses(graph);
            return step(graph, uses) > 0;
          }};
}

std::vector<Pass> makePasses() {
  std::vector<Pass> passes;
  passes.push_back(
      {"eliminate-dead-code",
       "remove nodes whose outputs are unused and that have no side effect (any level)",
       [](ir::Graph& graph, const PassOptions& options) {
         return eliminateDeadCode(graph, options.hasSideEffects) > 0;
       }});
  passes.push_back(
      {"fold-constants",
       "torch: ops whose operands are all constants become constants (the op table's folds)",
       [](ir::Graph& graph, const PassOptions& options) {
         return foldConstants(graph, options.foldOf, options.hasSideEffects) > 0;
       }});
  passes.push_back({"add-image-preprocessing",
                    "MIL: scale and bias image inputs as ops at the start (ML Program)",
                    [](ir::Graph& graph, const PassOptions& options) {
                      for (const auto& [index, image] : options.imageInputs)
                        addImagePreprocessing(graph, index, image);
                      return !options.imageInputs.empty();
                    }});
  passes.push_back({"fp16-compute-precision",
                    "MIL: compute in fp16, fp32 interface kept by casts; --fp32-ops stay fp32",
                    [](ir::Graph& graph, const PassOptions& options) {
                      return changes(graph,
                                     [&] { applyFp16ComputePrecision(graph, options.fp32Ops); });
                    }});
  passes.push_back({"cast-outputs", "MIL: cast graph outputs to the dtypes of --output-spec",
                    [](ir::Graph& graph, const PassOptions& options) {
                      return changes(graph, [&] { castOutputs(graph, options.outputDtypes); });
                    }});
  passes.push_back(cleanupStep("bypass-identities",
                               "MIL: uses of an identity op read its input (outputs and block "
                               "returns keep theirs)",
                               mil::bypassIdentities));
  passes.push_back(cleanupStep("simplify-casts",
                               "MIL: drop casts to the own dtype and round trips through a wider "
                               "dtype",
                               mil::simplifyCasts));
  passes.push_back(cleanupStep("fuse-batch-norm",
                               "MIL: conv/linear followed by a constant batch_norm becomes one "
                               "conv/linear",
                               mil::fuseBatchNorm));
  passes.push_back(cleanupStep("fuse-channel-affine",
                               "MIL: conv/linear followed by a per-channel constant "
                               "add/sub/mul/real_div folds into weight and bias",
                               mil::fuseChannelAffine));
  passes.push_back(cleanupStep("fuse-hard-sigmoid",
                               "MIL: clip(add(mul(x, a), b), 0, 1) becomes sigmoid_hard (ML "
                               "Program op)",
                               mil::fuseHardSigmoid));
  passes.push_back(cleanupStep("deduplicate-constants",
                               "MIL: constants of the same type and value are shared",
                               mil::deduplicateConstants));
  return passes;
}

}  // namespace

const std::vector<Pass>& registeredPasses() {
  static const std::vector<Pass> passes = makePasses();
  return passes;
}

}  // namespace ts2coreml::passes
