// The pass manager: every pipeline names registered passes, passes run in pipeline order, a
// repeated stage stops once nothing changes, and each pass reports whether it changed the graph.
#include "passes/pass_manager.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "mil_test_graphs.h"
#include "passes/pipelines.h"

namespace ts2coreml::passes {
namespace {

using testing::op;
using testing::scalar;
using testing::tensorType;

TEST(PassManager, PassNamesAreUniqueAndPipelinesUseOnlyRegisteredPasses) {
  std::set<std::string> names;
  for (const Pass& pass : registeredPasses()) {
    EXPECT_TRUE(names.insert(pass.name).second) << pass.name;
    EXPECT_FALSE(pass.summary.empty()) << pass.name;
  }
  for (bool mlProgram : {false, true}) {
    for (bool fp16 : {false, true}) {
      for (const Pipeline& pipeline : conversionPipelines({mlProgram, fp16})) {
        for (const PipelineStage& stage : pipeline.stages) {
          for (const std::string& name : stage.passes) EXPECT_TRUE(names.count(name)) << name;
        }
      }
    }
  }
  EXPECT_THROW(findPass("no-such-pass"), Error);
}

// x -> identity -> identity -> relu: bypassing the identities changes the graph, a second run of
// the same pass does not.
std::unique_ptr<ir::Graph> identityChain() {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  ir::TypePtr type = tensorType(DType::Float32, {2});
  ir::Value* v = graph->addInput(type, "x");
  v = op(top, "identity", {{"x", v}}, type);
  v = op(top, "identity", {{"x", v}}, type);
  top->addReturn(op(top, "relu", {{"x", v}}, type));
  return graph;
}

TEST(PassManager, PassesReportWhetherTheyChangedTheGraph) {
  auto graph = identityChain();
  PassManager manager({}, /*verifyEachPass=*/true);
  EXPECT_TRUE(manager.runPass(*graph, "bypass-identities"));
  EXPECT_TRUE(manager.runPass(*graph, "eliminate-dead-code"));
  EXPECT_EQ(graph->top()->nodes().size(), 1u);
  EXPECT_FALSE(manager.runPass(*graph, "bypass-identities"));
  EXPECT_FALSE(manager.runPass(*graph, "eliminate-dead-code"));
  EXPECT_FALSE(manager.runPass(*graph, "cast-outputs"));
}

TEST(PassManager, RepeatedStageRunsInOrderUntilNothingChanges) {
  auto graph = identityChain();
  PassManager manager({}, /*verifyEachPass=*/true);
  std::vector<std::string> ran;
  manager.setObserver([&](const std::string& name, bool changed, ir::Graph&) {
    ran.push_back(name + (changed ? "+" : "-"));
  });
  Pipeline pipeline{"test", {{{"bypass-identities", "eliminate-dead-code"}, 5}}};
  EXPECT_TRUE(manager.run(*graph, pipeline));
  // Round 1 changes, round 2 finds nothing and ends the stage.
  EXPECT_EQ(ran, (std::vector<std::string>{"bypass-identities+", "eliminate-dead-code+",
                                           "bypass-identities-", "eliminate-dead-code-"}));
}

TEST(PassManager, CastOutputsReadsItsOptionsAndReportsTheChange) {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  ir::Value* x = graph->addInput(tensorType(DType::Float32, {2}), "x");
  top->addReturn(op(top, "relu", {{"x", x}}, x->type()));
  PassOptions options;
  options.outputDtypes = {DType::Float16};
  PassManager manager(options, /*verifyEachPass=*/true);
  EXPECT_TRUE(manager.runPass(*graph, "cast-outputs"));
  EXPECT_EQ(graph->outputs()[0]->producer()->kind(), "mil.cast");
  EXPECT_EQ(graph->outputs()[0]->type()->dtype(), DType::Float16);
}

// The ML Program pipelines keep the order convert relied on: preprocessing, fp16, output casts,
// then the cleanup; neural networks skip the ML Program-only steps.
TEST(PassManager, ConversionPipelinesInOrder) {
  auto flatten = [](const std::vector<Pipeline>& pipelines) {
    std::vector<std::string> names;
    for (const Pipeline& pipeline : pipelines)
      for (const PipelineStage& stage : pipeline.stages)
        for (const std::string& name : stage.passes) names.push_back(name);
    return names;
  };
  std::vector<std::string> program = flatten(conversionPipelines({true, true}));
  ASSERT_GE(program.size(), 6u);
  EXPECT_EQ(
      std::vector<std::string>(program.begin(), program.begin() + 5),
      (std::vector<std::string>{"fold-constants", "eliminate-dead-code", "add-image-preprocessing",
                                "fp16-compute-precision", "cast-outputs"}));
  std::vector<std::string> network = flatten(conversionPipelines({false, false}));
  for (const char* name :
       {"add-image-preprocessing", "fp16-compute-precision", "fuse-hard-sigmoid"}) {
    EXPECT_EQ(std::count(network.begin(), network.end(), name), 0) << name;
    EXPECT_EQ(std::count(program.begin(), program.end(), name), 1) << name;
  }
}

}  // namespace
}  // namespace ts2coreml::passes
