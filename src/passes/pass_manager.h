// Named IR passes with one signature, and the manager that runs them in order: every pass says
// whether it changed the graph, the verifier can run after each one, and an observer sees the IR
// after each pass (`inspect --ir-after`, `ts2coreml-opt`).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "passes/static_eval.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::passes {

// What the conversion options tell the passes that need them; empty for a pass run on its own.
struct PassOptions {
  std::vector<std::string> fp32Ops;                        // fp16-compute-precision
  std::vector<std::pair<size_t, ImageInput>> imageInputs;  // add-image-preprocessing
  std::vector<std::optional<DType>> outputDtypes;          // cast-outputs
  // eliminate-dead-code: which nodes stay unread (the op table's side-effects column at the torch
  // level, lower::hasSideEffects); empty: none (MIL ops have no side effects).
  std::function<bool(const ir::Node&)> hasSideEffects;
  // fold-constants: the op table's fold hook of an op kind, or null (lower::foldOf).
  std::function<const FoldFn*(const std::string&)> foldOf;
};

struct Pass {
  std::string name;     // kebab-case, as pipelines and the command line name it
  std::string summary;  // one line for --list-passes
  // Runs the pass over the whole graph (nested blocks included); true when it changed the graph.
  std::function<bool(ir::Graph&, const PassOptions&)> run;
};

// Every pass, in a fixed order (the registration list is in pass_registry.cc).
const std::vector<Pass>& registeredPasses();
// The pass called `name`; throws Error naming the known passes otherwise.
const Pass& findPass(const std::string& name);

// A stage of a pipeline: its passes run in order, and again while one of them changed the graph
// (at most `maxRounds` times; 1 runs them once).
struct PipelineStage {
  std::vector<std::string> passes;
  int maxRounds = 1;
};
struct Pipeline {
  std::string name;  // "torch", "mil-common", ...
  std::vector<PipelineStage> stages;
};

// True when the verifier should run after every pass: debug builds, or the environment variable
// TS2COREML_VERIFY_EACH_PASS set to anything but "0" (release conversions skip it unless asked).
bool verifyEachPassByDefault();

class PassManager {
 public:
  // Called after each pass that ran, with the pass name and whether it changed the graph.
  using Observer = std::function<void(const std::string&, bool, ir::Graph&)>;

  explicit PassManager(PassOptions options, bool verifyEachPass = verifyEachPassByDefault())
      : options_(std::move(options)), verifyEachPass_(verifyEachPass) {}
  void setObserver(Observer observer) { observer_ = std::move(observer); }

  // Runs every stage of `pipeline`; true when some pass changed the graph.
  bool run(ir::Graph& graph, const Pipeline& pipeline);
  // Runs one pass by name; true when it changed the graph.
  bool runPass(ir::Graph& graph, const std::string& name);

 private:
  PassOptions options_;
  bool verifyEachPass_;
  Observer observer_;
};

}  // namespace ts2coreml::passes
