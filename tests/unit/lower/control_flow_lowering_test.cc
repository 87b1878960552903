// Lowers a hand-built torch-level graph of ControlFlowNet and checks the MIL structure: the data
// dependent `if` becomes cond, the loop stays a while_loop whose trip count comes from the cond.
#include <gtest/gtest.h>

#include <limits>

#include "core/error.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "lower/lowering.h"

namespace ts2coreml::lower {
namespace {

ir::Value* constant(ir::Block* block, IValue value, ir::TypePtr type) {
  ir::Node* node = block->appendNode("prim::Constant");
  node->setAttribute("value", std::move(value));
  return node->addOutput(std::move(type));
}

std::unique_ptr<ir::Graph> controlFlowNet() {
  auto graph = std::make_unique<ir::Graph>();
  auto tensorType = ir::Type::tensor(DType::Float32, Shape{1, 3, 8, 8});
  ir::Value* x = graph->addInput(tensorType, "x");
  ir::Block* top = graph->top();
  ir::Value* none = constant(top, IValue(), ir::Type::noneType());
  ir::Node* mean = top->appendNode("aten::mean");
  mean->addInput(x);
  mean->addInput(none);
  ir::Value* avg = mean->addOutput(ir::Type::tensor(DType::Float32, Shape{}));
  ir::Node* item = top->appendNode("aten::item");
  item->addInput(avg);
  ir::Value* scalar = item->addOutput(ir::Type::numberType());
  ir::Value* zero = constant(top, IValue(0), ir::Type::intType());
  ir::Node* lt = top->appendNode("aten::lt");
  lt->addInput(scalar);
  lt->addInput(zero);
  ir::Value* negative = lt->addOutput(ir::Type::boolType());

  ir::Node* branch = top->appendNode("prim::If");
  branch->addInput(negative);
  ir::Value* count = branch->addOutput(ir::Type::intType());
  ir::Block* thenBlock = branch->addBlock();
  thenBlock->addReturn(constant(thenBlock, IValue(2), ir::Type::intType()));
  ir::Block* elseBlock = branch->addBlock();
  elseBlock->addReturn(constant(elseBlock, IValue(1), ir::Type::intType()));

  Tensor weight(DType::Float32, {3, 3, 3, 3});
  Tensor bias(DType::Float32, {3});
  ir::Value* w = constant(top, IValue(weight), ir::Type::tensor(DType::Float32, weight.shape()));
  ir::Value* b = constant(top, IValue(bias), ir::Type::tensor(DType::Float32, bias.shape()));
  auto ints = [&](int64_t v) {
    return constant(top, IValue::list({IValue(v), IValue(v)}), ir::Type::list(ir::Type::intType()));
  };
  ir::Value* ones = ints(1);
  ir::Value* one = constant(top, IValue(1), ir::Type::intType());
  ir::Value* yes = constant(top, IValue(true), ir::Type::boolType());
  ir::Node* loop = top->appendNode("prim::Loop");
  loop->addInput(count);
  loop->addInput(yes);
  loop->addInput(x);
  ir::Value* result = loop->addOutput(tensorType);
  ir::Block* body = loop->addBlock();
  body->addParam(ir::Type::intType(), "i");
  ir::Value* carried = body->addParam(tensorType, "x");
  ir::Node* conv = body->appendNode("aten::conv2d");
  for (ir::Value* v : {carried, w, b, ones, ones, ones, one}) conv->addInput(v);
  ir::Node* relu = body->appendNode("aten::relu");
  relu->addInput(conv->addOutput(tensorType));
  body->addReturn(constant(body, IValue(true), ir::Type::boolType()));
  body->addReturn(relu->addOutput(tensorType));
  top->addReturn(result);
  return graph;
}

int countKind(ir::Block* block, const std::string& kind) {
  int n = 0;
  ir::forEachNode(block, [&](ir::Node* node) { n += node->kind() == kind; });
  return n;
}

TEST(ControlFlowLowering, IfBecomesCondAndLoopStaysWhileLoop) {
  auto torchGraph = controlFlowNet();
  ir::verifyGraph(*torchGraph, "test");
  auto mil = lowerToMil(*torchGraph);
  ir::verifyGraph(*mil, "lowered");
  EXPECT_EQ(countKind(mil->top(), "mil.cond"), 1);
  EXPECT_EQ(countKind(mil->top(), "mil.while_loop"), 1);
  EXPECT_EQ(countKind(mil->top(), "mil.conv"), 1);
  EXPECT_EQ(countKind(mil->top(), "prim::If") + countKind(mil->top(), "prim::Loop"), 0);

  // The loop's cond block compares the counter with the cond op's output (the trip count is a
  // runtime value, not a constant).
  ir::Node* loop = nullptr;
  ir::forEachNode(mil->top(), [&](ir::Node* node) {
    if (node->kind() == "mil.while_loop") loop = node;
  });
  ASSERT_NE(loop, nullptr);
  ir::Node* less = loop->block(0)->nodes().at(0).get();
  EXPECT_EQ(less->kind(), "mil.less");
  EXPECT_EQ(less->namedInput("y")->producer()->kind(), "mil.cond");
  // Loop vars: the counter and the carried tensor.
  EXPECT_EQ(loop->inputs().size(), 2u);
  EXPECT_EQ(loop->output(1)->type()->shape().value(), (Shape{1, 3, 8, 8}));
  ASSERT_EQ(mil->outputs().size(), 1u);
  EXPECT_EQ(mil->outputs()[0], loop->output(1));
  EXPECT_NE(ir::printGraph(*mil).find("mil.while_loop"), std::string::npos);
}

TEST(ControlFlowLowering, UnsupportedOpsAreAllListed) {
  ir::Graph graph;
  ir::Value* x = graph.addInput(ir::Type::tensor(DType::Float32, Shape{2}), "x");
  ir::Node* a = graph.top()->appendNode("aten::frobnicate");
  a->addInput(x);
  ir::Node* b = graph.top()->appendNode("aten::unobtainium");
  b->addInput(a->addOutput(ir::Type::tensor(DType::Float32, Shape{2})));
  graph.top()->addReturn(b->addOutput(ir::Type::tensor(DType::Float32, Shape{2})));
  try {
    lowerToMil(graph);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("2 unsupported ops"), std::string::npos) << message;
    EXPECT_NE(message.find("aten::frobnicate"), std::string::npos);
    EXPECT_NE(message.find("aten::unobtainium"), std::string::npos);
  }
}

}  // namespace
}  // namespace ts2coreml::lower
