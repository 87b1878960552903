// evaluateConstantOps: ops with all-constant inputs become constants computed by the runtime's
// kernels; ops with a run-time input, above the size limit, or of a sampling kind stay.
#include "api/mil_constant_evaluation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "lower/mil_builder.h"

namespace ts2coreml::api {
namespace {

using lower::milTensor;

Tensor filled(Shape shape, float start) {
  Tensor t(DType::Float32, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.mutableData<float>()[i] = start + static_cast<float>(i);
  return t;
}

int countKind(const ir::Graph& graph, const std::string& kind) {
  int count = 0;
  ir::forEachNode(graph.top(), [&](ir::Node* node) { count += node->kind() == kind; });
  return count;
}

TEST(MilConstantEvaluation, ChainsOfConstantOpsBecomeOneConstant) {
  ir::Graph graph;
  ir::Value* x = graph.addInput(milTensor(DType::Float32, {2, 3}), "x");
  lower::MilBuilder b(graph, graph.top());
  ir::Value* sum = b.op1(
      "add", {{"x", b.constTensor(filled({2, 3}, 0))}, {"y", b.constTensor(filled({2, 3}, 10))}},
      milTensor(DType::Float32, {2, 3}));
  ir::Value* root = b.op1("sqrt", {{"x", sum}}, milTensor(DType::Float32, {2, 3}));
  ir::Value* out = b.op1("mul", {{"x", x}, {"y", root}}, milTensor(DType::Float32, {2, 3}));
  graph.top()->addReturn(out);

  EXPECT_EQ(evaluateConstantOps(graph), 2);
  EXPECT_EQ(countKind(graph, "mil.add"), 0);
  EXPECT_EQ(countKind(graph, "mil.sqrt"), 0);
  ASSERT_EQ(countKind(graph, "mil.mul"), 1);
  const ir::Node* mul = graph.outputs()[0]->producer();
  const ir::Node* folded = mul->namedInput("y")->producer();
  ASSERT_EQ(folded->kind(), "mil.const");
  const Tensor& value = folded->attribute("val").toTensor();
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_FLOAT_EQ(value.data<float>()[i], std::sqrt(10.0f + 2.0f * static_cast<float>(i)));
}

TEST(MilConstantEvaluation, ResultsAboveTheLimitStay) {
  ir::Graph graph;
  ir::Value* x = graph.addInput(milTensor(DType::Float32, {}), "x");
  lower::MilBuilder b(graph, graph.top());
  // 4097 x 4097 > 16 Mi elements: the fill stays; a small fill next to it folds.
  ir::Value* big =
      b.op1("fill", {{"shape", b.constIntVector({4097, 4097})}, {"value", b.constFloat(1.0)}},
            milTensor(DType::Float32, {4097, 4097}));
  ir::Value* small =
      b.op1("fill", {{"shape", b.constIntVector({4, 4})}, {"value", b.constFloat(1.0)}},
            milTensor(DType::Float32, {4, 4}));
  graph.top()->addReturn(b.op1("mul", {{"x", big}, {"y", x}}, big->type()));
  graph.top()->addReturn(b.op1("mul", {{"x", small}, {"y", x}}, small->type()));
  EXPECT_EQ(evaluateConstantOps(graph), 1);
  EXPECT_EQ(countKind(graph, "mil.fill"), 1);
  EXPECT_EQ(graph.outputs()[0]->producer()->namedInput("x")->producer()->kind(), "mil.fill");
  EXPECT_EQ(graph.outputs()[1]->producer()->namedInput("x")->producer()->kind(), "mil.const");
}

TEST(MilConstantEvaluation, SamplingOpsAndGraphOutputsStay) {
  ir::Graph graph;
  lower::MilBuilder b(graph, graph.top());
  // No lowering emits a sampling op yet (the op table has none), so the node is made by hand.
  ir::Node* sample = graph.top()->appendNode("mil.random_normal");
  sample->addInput(b.constIntVector({2}), "shape");
  ir::Value* noise = sample->addOutput(milTensor(DType::Float32, {2}));
  ir::Value* doubled =
      b.op1("add", {{"x", b.constTensor(filled({2}, 1))}, {"y", b.constTensor(filled({2}, 1))}},
            milTensor(DType::Float32, {2}));
  graph.top()->addReturn(noise);
  graph.top()->addReturn(doubled);
  EXPECT_EQ(evaluateConstantOps(graph), 0);
  EXPECT_EQ(countKind(graph, "mil.random_normal"), 1);
  EXPECT_EQ(countKind(graph, "mil.add"), 1);
}

TEST(IValueKinds, WrongKindIsAnErrorNamingBoth) {
  try {
    (void)IValue(int64_t{3}).toString();
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "expected a string, got 3");
  }
  EXPECT_THROW((void)IValue("a").toNumber(), Error);
}

}  // namespace
}  // namespace ts2coreml::api
