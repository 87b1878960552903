#include "passes/pass_manager.h"

#include <cstdlib>

#include "core/error.h"
#include "ir/verifier.h"

namespace ts2coreml::passes {

const Pass& findPass(const std::string& name) {
  for (const Pass& pass : registeredPasses()) {
    if (pass.name == name) return pass;
  }
  std::string known;
  for (const Pass& pass : registeredPasses()) known += (known.empty() ? "" : ", ") + pass.name;
  throw Error("unknown pass '" + name + "' (passes: " + known + ")");
}

bool verifyEachPassByDefault() {
#ifndef NDEBUG
  return true;
#else
  const char* flag = std::getenv("TS2COREML_VERIFY_EACH_PASS");
  return flag && std::string(flag) != "0";
#endif
}

bool PassManager::runPass(ir::Graph& graph, const std::string& name) {
  const Pass& pass = findPass(name);
  bool changed = pass.run(graph, options_);
  if (verifyEachPass_) {
    ir::verifyGraph(graph, "after pass " + name);
    ir::verifyMilOpSignatures(graph, "after pass " + name);
  }
  if (observer_) observer_(name, changed, graph);
  return changed;
}

bool PassManager::run(ir::Graph& graph, const Pipeline& pipeline) {
  bool changedAny = false;
  for (const PipelineStage& stage : pipeline.stages) {
    for (int round = 0; round < stage.maxRounds; ++round) {
      bool changed = false;
      for (const std::string& name : stage.passes) changed |= runPass(graph, name);
      changedAny |= changed;
      if (!changed) break;
    }
  }
  return changedAny;
}

}  // namespace ts2coreml::passes
