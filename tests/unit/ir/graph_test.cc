#include "ir/graph.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/error.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace ts2coreml::ir {
namespace {

TEST(Graph, PrinterShowsBlocksTypesAndLocations) {
  Graph graph;
  Value* x = graph.addInput(Type::tensor(DType::Float32, Shape{1, 3}), "x");
  Node* cond = graph.top()->appendNode("prim::If");
  Node* predicate = graph.top()->insertNodeBefore(cond, "prim::Constant");
  predicate->setAttribute("value", IValue(true));
  cond->addInput(predicate->addOutput(Type::boolType()));
  SourceLocation location;
  location.codeFile = "code/__torch__.py";
  location.codeLine = 12;
  location.pythonFile = "model.py";
  location.pythonLine = 44;
  cond->setLocation(location);
  Value* out = cond->addOutput(Type::tensor(DType::Float32, Shape{1, 3}));
  cond->addBlock()->addReturn(x);
  cond->addBlock()->addReturn(x);
  graph.top()->addReturn(out);
  verifyGraph(graph, "test");
  std::string text = printGraph(graph);
  EXPECT_NE(text.find("graph(%x.0 : Tensor<float32 1x3>)"), std::string::npos) << text;
  EXPECT_NE(text.find("prim::Constant[value=True]()"), std::string::npos) << text;
  EXPECT_NE(text.find("block1():"), std::string::npos) << text;
  EXPECT_NE(text.find("# model.py:44 (code/__torch__.py:12)"), std::string::npos) << text;
  EXPECT_NE(text.find("return (%"), std::string::npos) << text;
}

std::string kindsOf(const Block& block) {
  std::string kinds;
  for (const auto& node : block.nodes()) kinds += node->kind() + " ";
  return kinds;
}

// The node list keeps program order through insertions at the front (the compiler's constants),
// before a middle node, releases from either end and the middle, and moves between blocks.
TEST(Graph, NodeListKeepsOrderThroughInsertionAndRemoval) {
  Graph graph;
  Block* top = graph.top();
  Node* a = top->appendNode("a");
  Node* b = top->appendNode("b");
  Node* c = top->appendNode("c");
  top->insertNodeBefore(a, "front1");
  top->insertNodeBefore(top->nodes().front().get(), "front0");
  top->insertNodeBefore(c, "beforeC");
  EXPECT_EQ(kindsOf(*top), "front0 front1 a b beforeC c ");
  std::unique_ptr<Node> released = top->releaseNode(b);
  EXPECT_EQ(released.get(), b);
  top->eraseNode(top->nodes().front().get());
  top->eraseNode(c);
  EXPECT_EQ(kindsOf(*top), "front1 a beforeC ");
  Block* inner = top->appendNode("prim::If")->addBlock();
  inner->adoptNode(std::move(released));
  inner->adoptNode(top->releaseNode(a), b);
  EXPECT_EQ(kindsOf(*inner), "a b ");
  EXPECT_EQ(a->owner(), inner);
  EXPECT_THROW(top->releaseNode(a), std::logic_error);
  EXPECT_THROW(top->insertNodeBefore(b, "x"), std::logic_error);
}

TEST(Graph, VerifierRejectsUseBeforeDefinition) {
  Graph graph;
  Node* user = graph.top()->appendNode("aten::relu");
  Node* producer = graph.top()->appendNode("aten::zeros");
  user->addInput(producer->addOutput(Type::tensor()));
  EXPECT_THROW(verifyGraph(graph, "test"), Error);
}

TEST(Graph, VerifierRejectsValueFromSiblingBlock) {
  Graph graph;
  Value* c = graph.addInput(Type::boolType(), "c");
  Node* branch = graph.top()->appendNode("prim::If");
  branch->addInput(c);
  Block* thenBlock = branch->addBlock();
  Block* elseBlock = branch->addBlock();
  Node* inner = thenBlock->appendNode("aten::zeros");
  Value* hidden = inner->addOutput(Type::tensor());
  branch->addOutput(Type::tensor());
  thenBlock->addReturn(hidden);
  elseBlock->addReturn(hidden);  // not visible in the else block
  EXPECT_THROW(verifyGraph(graph, "test"), Error);
}

TEST(Graph, ReplaceAllUsesReachesNestedBlocksAndReturns) {
  Graph graph;
  Value* a = graph.addInput(Type::intType(), "a");
  Value* b = graph.addInput(Type::intType(), "b");
  Node* loop = graph.top()->appendNode("prim::Loop");
  loop->addInput(a);
  loop->addInput(a);
  Block* body = loop->addBlock();
  body->addParam(Type::intType());
  Node* add = body->appendNode("aten::add");
  add->addInput(a);
  add->addInput(a);
  body->addReturn(a);
  graph.top()->addReturn(a);
  replaceAllUsesWith(graph.top(), a, b);
  EXPECT_EQ(loop->input(0), b);
  EXPECT_EQ(add->input(1), b);
  EXPECT_EQ(body->returns()[0], b);
  EXPECT_EQ(graph.outputs()[0], b);
  EXPECT_EQ(countUses(graph.top())[b], 6);
}

}  // namespace
}  // namespace ts2coreml::ir
