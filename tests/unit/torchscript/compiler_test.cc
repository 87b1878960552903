// The compiler on real archives: the seed ControlFlowNet written by torch 1.13 and 2.13, scripted
// and with a traced loop body. Module calls are inlined, weights frozen into constants, static
// branches folded, and the data-dependent `if` and loop kept.
#include "torchscript/compiler/compiler.h"

#include <gtest/gtest.h>

#include <map>

#include "archive/torchscript_archive.h"
#include "core/error.h"
#include "ir/verifier.h"
#include "passes/dead_code_elimination.h"

namespace ts2coreml::torchscript {
namespace {

std::map<std::string, int> opCounts(ir::Graph& graph) {
  std::map<std::string, int> counts;
  ir::forEachNode(graph.top(), [&](ir::Node* node) { ++counts[node->kind()]; });
  return counts;
}

CompileResult compileFixture(const std::string& name, std::vector<InputSpec> inputs) {
  auto archive = archive::TorchScriptArchive::open(TS2COREML_FIXTURES_DIR "/models/" + name);
  CompileResult result = compileForward(archive, inputs);
  passes::eliminateDeadCode(*result.graph);
  ir::verifyGraph(*result.graph, name);
  return result;
}

class SeedArchives : public ::testing::TestWithParam<std::string> {};

TEST_P(SeedArchives, KeepsDataDependentControlFlowAndInlinesTheRest) {
  CompileResult result = compileFixture(GetParam(), {{"", {1, 3, 64, 64}, DType::Float32}});
  auto counts = opCounts(*result.graph);
  EXPECT_EQ(counts["prim::If"], 1);
  EXPECT_EQ(counts["prim::Loop"], 1);
  EXPECT_EQ(counts["aten::mean"], 1);
  EXPECT_EQ(counts["aten::relu"], 1);
  EXPECT_EQ(counts["aten::conv2d"] + counts["aten::_convolution"], 1);
  EXPECT_EQ(counts["prim::CallMethod"] + counts["prim::GetAttr"] + counts["prim::CallFunction"], 0);
  ASSERT_EQ(result.graph->inputs().size(), 1u);
  EXPECT_EQ(result.graph->inputs()[0]->name(), "x");
  ASSERT_EQ(result.graph->outputs().size(), 1u);
  EXPECT_EQ(result.graph->outputs()[0]->type()->shape().value(), (Shape{1, 3, 64, 64}));

  // The loop's trip count is the output of the `if` (computed when the model runs).
  ir::Node* loop = nullptr;
  ir::forEachNode(result.graph->top(), [&](ir::Node* node) {
    if (node->kind() == "prim::Loop") loop = node;
  });
  ASSERT_NE(loop, nullptr);
  ASSERT_NE(loop->input(0)->producer(), nullptr);
  EXPECT_EQ(loop->input(0)->producer()->kind(), "prim::If");

  // The conv weight is a frozen constant: a view of the archive's storage, not a copy.
  bool sawWeight = false;
  ir::forEachNode(result.graph->top(), [&](ir::Node* node) {
    if (node->kind() != "prim::Constant" || !node->attribute("value").isTensor()) return;
    const Tensor& t = node->attribute("value").toTensor();
    if (t.shape() == Shape{3, 3, 3, 3}) {
      sawWeight = true;
      EXPECT_FALSE(t.buffer()->isOwned());
    }
  });
  EXPECT_TRUE(sawWeight);
}

INSTANTIATE_TEST_SUITE_P(TorchVersions, SeedArchives,
                         ::testing::Values("controlflow_t1.13.pt", "controlflow2_t1.13.pt",
                                           "controlflow_t2.13.pt"));

TEST(Compiler, NodesCarryPythonSourceLines) {
  CompileResult result =
      compileFixture("controlflow_t2.13.pt", {{"x", {1, 3, 8, 8}, DType::Float32}});
  bool located = false;
  ir::forEachNode(result.graph->top(), [&](ir::Node* node) {
    if (node->kind() == "aten::mean") {
      EXPECT_EQ(node->location().codeFile, "code/__torch__/models.py");
      EXPECT_NE(node->location().pythonFile.find("models.py"), std::string::npos);
      EXPECT_GT(node->location().pythonLine, 0);
      located = true;
    }
  });
  EXPECT_TRUE(located);
}

TEST(Compiler, InputSpecErrorsNameTheParameter) {
  auto archive =
      archive::TorchScriptArchive::open(TS2COREML_FIXTURES_DIR "/models/controlflow_t2.13.pt");
  try {
    compileForward(archive, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  try {
    compileForward(archive, {{"y", {1}, DType::Float32}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no parameter"), std::string::npos) << e.what();
  }
  EXPECT_THROW(compileForward(archive, {{"", {1}, DType::Float32}, {"", {1}, DType::Float32}}),
               Error);
}

}  // namespace
}  // namespace ts2coreml::torchscript
