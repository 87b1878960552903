#include "ir/graph.h"

#include <gtest/gtest.h>

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
