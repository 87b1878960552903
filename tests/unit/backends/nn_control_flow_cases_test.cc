// Control-flow shapes the lowering must get right on a non-SSA network: loop variables that swap
// places (copies must not read an already overwritten blob), a loop condition that is a loop
// variable itself, a cond nested in a loop body whose branch returns an outer value, and model
// outputs that are inputs or repeated.
#include <gtest/gtest.h>

#include "nn_run_helpers.h"
#include "nn_test_graph.h"

namespace ts2coreml {
namespace {

using namespace testing;

ir::TypePtr f32(Shape s) {
  return tensorType(DType::Float32, std::move(s));
}
ir::TypePtr i32() {
  return tensorType(DType::Int32, {});
}
ir::TypePtr boolean() {
  return tensorType(DType::Bool, {});
}

TEST(NNControlFlowCases, SwappedLoopVariablesAndBoolConditionVariable) {
  // (i, a, b, keep) = (0, x, 2x, true); while keep: (i, a, b, keep) = (i + 1, b, a, i + 1 < 3)
  ir::Graph g;
  ir::Block* t = g.top();
  ir::Value* x = g.addInput(f32({3}), "x");
  ir::Value* zero = milConst(t, scalarTensor(DType::Int32, 0));
  ir::Value* one = milConst(t, scalarTensor(DType::Int32, 1));
  ir::Value* three = milConst(t, scalarTensor(DType::Int32, 3));
  ir::Value* yes = milConst(t, scalarTensor(DType::Bool, 1));
  ir::Value* two = milConst(t, scalarTensor(DType::Float32, 2.0));
  ir::Value* twice = milOp1(t, "mul", {{"x", x}, {"y", two}}, f32({3}), "twice");
  std::vector<ir::TypePtr> types = {i32(), f32({3}), f32({3}), boolean()};
  ir::Node* loop = milOp(
      t, "while_loop",
      {{"loop_vars", zero}, {"loop_vars", x}, {"loop_vars", twice}, {"loop_vars", yes}}, types);
  ir::Block* cond = loop->addBlock();
  ir::Block* body = loop->addBlock();
  std::vector<ir::Value*> cp, bp;
  const char* names[] = {"i", "a", "b", "keep"};
  for (size_t k = 0; k < 4; ++k) {
    cp.push_back(cond->addParam(types[k], names[k]));
    bp.push_back(body->addParam(types[k], names[k]));
  }
  cond->addReturn(cp[3]);  // the condition is a loop variable, not computed in the block
  ir::Value* next = milOp1(body, "add", {{"x", bp[0]}, {"y", one}}, i32(), "i_next");
  ir::Value* more = milOp1(body, "less", {{"x", next}, {"y", three}}, boolean(), "more");
  body->setReturns({next, bp[2], bp[1], more});
  t->setReturns({loop->output(1), loop->output(2), loop->output(0)});
  g.outputNames() = {"a", "b", "count"};
  g.renumber();

  Tensor in = floatTensor({3}, {1.0f, -2.0f, 0.5f});
  auto out = runThroughFile(g, {{"x", in}}, "nn_loop_swap");
  // Three iterations: an odd number of swaps leaves a = 2x, b = x.
  expectClose(out.at("count"), floatTensor({1}, {3.0f}), "count");
  expectClose(out.at("a"), floatTensor({3}, {2.0f, -4.0f, 1.0f}), "a");
  expectClose(out.at("b"), in, "b");
}

TEST(NNControlFlowCases, CondInsideLoopReturningAnOuterValue) {
  // (i, acc) = (0, x); while i < 4: v = cond(i > 1, acc * 2, acc); (i, acc) = (i + 1, v + 1)
  ir::Graph g;
  ir::Block* t = g.top();
  ir::Value* x = g.addInput(f32({2}), "x");
  ir::Value* zero = milConst(t, scalarTensor(DType::Int32, 0));
  ir::Value* one = milConst(t, scalarTensor(DType::Int32, 1));
  ir::Value* four = milConst(t, scalarTensor(DType::Int32, 4));
  ir::Value* onef = milConst(t, scalarTensor(DType::Float32, 1.0));
  ir::Value* twof = milConst(t, scalarTensor(DType::Float32, 2.0));
  ir::Node* loop =
      milOp(t, "while_loop", {{"loop_vars", zero}, {"loop_vars", x}}, {i32(), f32({2})});
  ir::Block* cond = loop->addBlock();
  ir::Block* body = loop->addBlock();
  ir::Value* ci = cond->addParam(i32(), "i");
  cond->addParam(f32({2}), "acc");
  cond->addReturn(milOp1(cond, "less", {{"x", ci}, {"y", four}}, boolean()));
  ir::Value* bi = body->addParam(i32(), "i");
  ir::Value* acc = body->addParam(f32({2}), "acc");
  ir::Value* late = milOp1(body, "greater", {{"x", bi}, {"y", one}}, boolean(), "late");
  ir::Node* choose = milOp(body, "cond", {{"pred", late}}, {f32({2})});
  ir::Block* yesBlock = choose->addBlock();
  yesBlock->addReturn(milOp1(yesBlock, "mul", {{"x", acc}, {"y", twof}}, f32({2}), "doubled"));
  choose->addBlock()->addReturn(acc);  // the false branch computes nothing
  ir::Value* next =
      milOp1(body, "add", {{"x", choose->output()}, {"y", onef}}, f32({2}), "acc_next");
  body->setReturns({milOp1(body, "add", {{"x", bi}, {"y", one}}, i32()), next});
  t->addReturn(loop->output(1));
  g.outputNames() = {"y"};
  g.renumber();

  Tensor in = floatTensor({2}, {0.5f, -3.0f});
  auto out = runThroughFile(g, {{"x", in}}, "nn_cond_in_loop");
  // x+1, x+2, 2(x+2)+1, 2(2x+5)+1 = 4x + 11
  expectClose(out.at("y"), floatTensor({2}, {13.0f, -1.0f}), "y");
}

TEST(NNControlFlowCases, OutputsThatAreInputsOrRepeated) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({2, 2}), "x");
  ir::Value* r = milOp1(g.top(), "relu", {{"x", x}}, f32({2, 2}), "r");
  g.top()->setReturns({x, r, r});
  g.outputNames() = {"same", "first", "second"};
  g.renumber();
  Tensor in = floatTensor({2, 2}, {-1.0f, 2.0f, -3.0f, 4.0f});
  auto out = runThroughFile(g, {{"x", in}});
  Tensor relu = floatTensor({2, 2}, {0.0f, 2.0f, 0.0f, 4.0f});
  expectClose(out.at("same"), in, "same");
  expectClose(out.at("first"), relu, "first");
  expectClose(out.at("second"), relu, "second");
}

}  // namespace
}  // namespace ts2coreml
