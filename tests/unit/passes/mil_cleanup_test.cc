// cleanupMilProgram on hand-built MIL graphs: the rewritten structure is checked, and every
// fusion is also run by the reference runtime before and after cleanup on the same inputs.
#include "passes/mil_cleanup.h"

#include <gtest/gtest.h>

#include "mil_test_graphs.h"
#include "passes/mil_fp16.h"

namespace ts2coreml::passes {
namespace {

using namespace ts2coreml::passes::testing;

const MilCleanupOptions kMLProgram{.mlProgramOps = true};

ir::Value* batchNorm(ir::Block* top, ir::Value* x, int64_t channels, uint32_t seed,
                     float gammaScale = 1.0f) {
  Tensor gamma = pseudoRandom({channels}, 0.5f * gammaScale, 1.5f * gammaScale, seed + 2);
  return op(top, "batch_norm",
            {{"x", x},
             {"mean", constant(top, pseudoRandom({channels}, -0.3f, 0.3f, seed))},
             {"variance", constant(top, pseudoRandom({channels}, 0.5f, 2.0f, seed + 1))},
             {"gamma", constant(top, gamma)},
             {"beta", constant(top, pseudoRandom({channels}, -0.2f, 0.2f, seed + 3))},
             {"epsilon", scalar(top, 1e-3)}},
            x->type());
}

// x [1, 3, 6, 6] -> conv (4 channels) -> batch_norm -> mul [1,4,1,1] -> add [4,1,1] -> sub scalar
// -> real_div scalar -> relu.
std::unique_ptr<ir::Graph> convChain(bool withBias) {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  ir::Value* x = graph->addInput(tensorType(DType::Float32, {1, 3, 6, 6}), "x");
  ir::Value* c = conv(top, x, 4, withBias, 7);
  ir::Value* v = batchNorm(top, c, 4, 11);
  v = op(top, "mul", {{"x", v}, {"y", constant(top, pseudoRandom({1, 4, 1, 1}, -2, 2, 3))}},
         v->type());
  v = op(top, "add", {{"x", constant(top, pseudoRandom({4, 1, 1}, -1, 1, 4))}, {"y", v}},
         v->type());
  v = op(top, "sub", {{"x", v}, {"y", scalar(top, 0.25)}}, v->type());
  v = op(top, "real_div", {{"x", v}, {"y", scalar(top, 0.5)}}, v->type());
  top->addReturn(op(top, "relu", {{"x", v}}, v->type()));
  graph->outputNames() = {"y"};
  return graph;
}

std::map<std::string, Tensor> imageInput(float lo = -1, float hi = 1) {
  return {{"x", pseudoRandom({1, 3, 6, 6}, lo, hi, 5)}};
}

TEST(MilCleanup, ConvAbsorbsBatchNormAndChannelConstantsSameNumbers) {
  for (bool withBias : {false, true}) {
    SCOPED_TRACE(withBias ? "conv with bias" : "conv without bias");
    auto graph = convChain(withBias);
    const auto before = run(*graph, "before.mlpackage", imageInput());
    cleanupMilProgram(*graph, kMLProgram);
    auto counts = opCounts(*graph);
    EXPECT_EQ(counts["conv"], 1);
    EXPECT_EQ(counts["relu"], 1);
    for (const char* gone : {"batch_norm", "mul", "add", "sub", "real_div"}) {
      EXPECT_EQ(counts[gone], 0) << gone;
    }
    EXPECT_EQ(counts["conv"] + counts["relu"] + counts["const"],
              static_cast<int>(graph->top()->nodes().size()));
    expectSameOutputs(run(*graph, "after.mlpackage", imageInput()), before, 1e-5);
    // The neural network backend writes the folded bias too.
    expectSameOutputs(run(*graph, "after.mlmodel", imageInput()), before, 1e-5);
  }
}

// Under fp16 compute precision the folded weights are rounded once; the result stays within the
// fp16 tolerance of the unfused fp16 program.
TEST(MilCleanup, FusionUnderFp16StaysWithinHalfPrecision) {
  auto graph = convChain(true);
  applyFp16ComputePrecision(*graph);
  const auto before = run(*graph, "before.mlpackage", imageInput());
  cleanupMilProgram(*graph, kMLProgram);
  EXPECT_EQ(count(*graph, "batch_norm"), 0);
  EXPECT_EQ(count(*graph, "conv"), 1);
  expectSameOutputs(run(*graph, "after.mlpackage", imageInput()), before, 1e-2);
}

// x [2, 5] -> linear -> batch_norm (on [N, C]) -> add [3] -> mul scalar: one linear.
TEST(MilCleanup, LinearAbsorbsBatchNormBiasAndScaleSameNumbers) {
  auto build = [] {
    auto graph = std::make_unique<ir::Graph>();
    ir::Block* top = graph->top();
    ir::Value* x = graph->addInput(tensorType(DType::Float32, {2, 5}), "x");
    const auto type = tensorType(DType::Float32, {2, 3});
    ir::Value* v = op(top, "linear",
                      {{"x", x},
                       {"weight", constant(top, pseudoRandom({3, 5}, -1, 1, 1))},
                       {"bias", constant(top, pseudoRandom({3}, -1, 1, 2))}},
                      type);
    v = batchNorm(top, v, 3, 21);
    v = op(top, "add", {{"x", v}, {"y", constant(top, pseudoRandom({3}, -1, 1, 3))}}, type);
    v = op(top, "mul", {{"x", scalar(top, -1.5)}, {"y", v}}, type);
    top->addReturn(v);
    graph->outputNames() = {"y"};
    return graph;
  };
  const std::map<std::string, Tensor> input{{"x", pseudoRandom({2, 5}, -2, 2, 9)}};
  auto graph = build();
  const auto before = run(*graph, "before.mlpackage", input);
  cleanupMilProgram(*graph, kMLProgram);
  auto counts = opCounts(*graph);
  EXPECT_EQ(counts["linear"], 1);
  EXPECT_EQ(counts["batch_norm"] + counts["add"] + counts["mul"], 0);
  expectSameOutputs(run(*graph, "after.mlpackage", input), before, 1e-5);
}

TEST(MilCleanup, WhatCannotBeFoldedStays) {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  ir::Value* x = graph->addInput(tensorType(DType::Float32, {1, 3, 6, 6}), "x");
  ir::Value* mean = graph->addInput(tensorType(DType::Float32, {4}), "mean");
  const auto type = tensorType(DType::Float32, {1, 4, 6, 6});
  // A constant that varies over the spatial axes is not a bias.
  ir::Value* a = op(
      top, "add",
      {{"x", conv(top, x, 4, true, 1)}, {"y", constant(top, pseudoRandom({1, 1, 6, 6}, -1, 1, 2))}},
      type);
  // A conv whose output is also a graph output keeps it.
  ir::Value* shared = conv(top, x, 4, false, 3);
  ir::Value* b = batchNorm(top, shared, 4, 4);
  // Statistics that are not constants.
  ir::Value* c = op(top, "batch_norm",
                    {{"x", conv(top, x, 4, false, 5)},
                     {"mean", mean},
                     {"variance", constant(top, pseudoRandom({4}, 1, 2, 6))},
                     {"epsilon", scalar(top, 1e-5)}},
                    type);
  // constant - conv would need negated weights.
  ir::Value* d = op(top, "sub", {{"x", scalar(top, 1.0)}, {"y", conv(top, x, 4, true, 7)}}, type);
  graph->top()->setReturns({a, shared, b, c, d});
  graph->outputNames() = {"a", "shared", "b", "c", "d"};
  cleanupMilProgram(*graph, kMLProgram);
  auto counts = opCounts(*graph);
  EXPECT_EQ(counts["conv"], 4);
  EXPECT_EQ(counts["add"], 1);
  EXPECT_EQ(counts["batch_norm"], 2);
  EXPECT_EQ(counts["sub"], 1);
}

// Folding must not turn finite weights into infinities: fp16 weights of 2..3 scaled by a
// batch_norm scale above 4e4 overflow (the limit is 65504); fp32 weights do not.
TEST(MilCleanup, FoldingThatOverflowsTheWeightDtypeIsSkipped) {
  for (DType dtype : {DType::Float16, DType::Float32}) {
    auto graph = std::make_unique<ir::Graph>();
    ir::Block* top = graph->top();
    ir::Value* x = graph->addInput(tensorType(dtype, {1, 2, 4, 4}), "x");
    ir::Value* c =
        op(top, "conv",
           {{"x", x}, {"weight", constant(top, pseudoRandom({2, 2, 1, 1}, 2, 3, 1), dtype)}},
           tensorType(dtype, {1, 2, 4, 4}));
    ir::Value* bn = op(top, "batch_norm",
                       {{"x", c},
                        {"mean", constant(top, pseudoRandom({2}, 0, 1, 2), dtype)},
                        {"variance", constant(top, pseudoRandom({2}, 1, 1.5f, 3), dtype)},
                        {"gamma", constant(top, pseudoRandom({2}, 5e4f, 6e4f, 4), dtype)},
                        {"epsilon", constant(top, Tensor::scalar(DType::Float32, 1e-5), dtype)}},
                       c->type());
    top->addReturn(bn);
    graph->outputNames() = {"y"};
    cleanupMilProgram(*graph, kMLProgram);
    EXPECT_EQ(count(*graph, "batch_norm"), dtype == DType::Float16 ? 1 : 0) << dtypeName(dtype);
  }
}

// x -> identity -> identity -> relu -> identity (graph output): the inner identities go, the one
// giving the output its own value stays; so does an identity returned by a cond branch.
TEST(MilCleanup, IdentitiesAreBypassedExceptWhereReturned) {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  const auto type = tensorType(DType::Float32, {4});
  ir::Value* x = graph->addInput(type, "x");
  ir::Value* i1 = op(top, "identity", {{"x", x}}, type);
  ir::Value* i2 = op(top, "identity", {{"x", i1}}, type);
  ir::Value* r = op(top, "relu", {{"x", i2}}, type);
  ir::Value* out = op(top, "identity", {{"x", r}}, type);
  ir::Value* pred = op(top, "greater",
                       {{"x", op(top, "reduce_sum", {{"x", x}}, tensorType(DType::Float32, {}))},
                        {"y", scalar(top, 0)}},
                       tensorType(DType::Bool, {}));
  ir::Node* cond = top->appendNode("mil.cond");
  cond->addInput(pred, "pred");
  ir::Value* branch = cond->addOutput(type);
  ir::Block* yes = cond->addBlock();
  yes->addReturn(op(yes, "identity", {{"x", op(yes, "identity", {{"x", x}}, type)}}, type));
  ir::Block* no = cond->addBlock();
  no->addReturn(r);
  top->setReturns({out, branch});
  graph->outputNames() = {"y", "branch"};
  const std::map<std::string, Tensor> input{{"x", pseudoRandom({4}, -1, 2, 3)}};
  const auto before = run(*graph, "before.mlpackage", input);

  cleanupMilProgram(*graph, kMLProgram);
  EXPECT_EQ(count(*graph, "identity"), 2);
  ir::Node* relu = nullptr;
  ir::forEachNode(graph->top(), [&](ir::Node* n) {
    if (n->kind() == "mil.relu") relu = n;
  });
  ASSERT_NE(relu, nullptr);
  EXPECT_EQ(relu->input(0), x);
  EXPECT_EQ(graph->outputs()[0]->producer()->kind(), "mil.identity");
  ASSERT_EQ(yes->nodes().size(), 1u);
  EXPECT_EQ(yes->returns()[0]->producer()->kind(), "mil.identity");
  EXPECT_EQ(yes->nodes()[0]->input(0), x);
  expectSameOutputs(run(*graph, "after.mlpackage", input), before, 0);
}

TEST(MilCleanup, CastsThatCancelGoOthersStay) {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  ir::Value* half = graph->addInput(tensorType(DType::Float16, {4}), "half");
  ir::Value* single = graph->addInput(tensorType(DType::Float32, {4}), "single");
  ir::Value* integer = graph->addInput(tensorType(DType::Int32, {4}), "integer");
  auto cast = [&](ir::Value* v, const std::string& to, DType dtype) {
    return op(top, "cast", {{"x", v}, {"dtype", text(top, to)}}, tensorType(dtype, {4}));
  };
  // fp16 -> fp32 -> fp16 is exact: relu reads the input.
  ir::Value* a =
      op(top, "relu", {{"x", cast(cast(half, "fp32", DType::Float32), "fp16", DType::Float16)}},
         tensorType(DType::Float16, {4}));
  // fp32 -> fp16 -> fp32 rounds: both stay.
  ir::Value* b =
      op(top, "relu", {{"x", cast(cast(single, "fp16", DType::Float16), "fp32", DType::Float32)}},
         tensorType(DType::Float32, {4}));
  // A cast to the own dtype goes; a chain of casts to the same dtype keeps one.
  ir::Value* c =
      op(top, "add",
         {{"x", cast(integer, "int32", DType::Int32)}, {"y", scalar(top, 1, DType::Int32)}},
         tensorType(DType::Int32, {4}));
  ir::Value* d =
      op(top, "relu", {{"x", cast(cast(single, "fp16", DType::Float16), "fp16", DType::Float16)}},
         tensorType(DType::Float16, {4}));
  // int32 -> fp32 may round large integers: stays. A graph output cast is kept even when it is
  // a no-op, the output keeps its own value.
  ir::Value* e = cast(cast(integer, "fp32", DType::Float32), "int32", DType::Int32);
  ir::Value* f = cast(single, "fp32", DType::Float32);
  top->setReturns({a, b, c, d, e, f});
  graph->outputNames() = {"a", "b", "c", "d", "e", "f"};

  cleanupMilProgram(*graph, kMLProgram);
  auto producerOfInput = [](ir::Value* v) { return v->producer()->input(0); };
  EXPECT_EQ(producerOfInput(a), half);
  EXPECT_EQ(producerOfInput(c), integer);
  EXPECT_EQ(producerOfInput(b)->producer()->kind(), "mil.cast");
  EXPECT_EQ(producerOfInput(producerOfInput(b))->producer()->kind(), "mil.cast");
  ir::Node* dCast = producerOfInput(d)->producer();
  ASSERT_EQ(dCast->kind(), "mil.cast");
  EXPECT_EQ(dCast->input(0), single);
  EXPECT_EQ(producerOfInput(e)->producer()->kind(), "mil.cast");
  EXPECT_EQ(f->producer()->kind(), "mil.cast");
  // b: 2, d: 1, e: 2, f: 1.
  EXPECT_EQ(count(*graph, "cast"), 6);
}

// Equal constants are shared where the first one is visible: the same block or an enclosing
// one; sibling branches keep their own. Unused constants and dead ops go.
TEST(MilCleanup, EqualConstantsAreSharedAndDeadOpsRemoved) {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  const auto type = tensorType(DType::Float32, {100});
  ir::Value* x = graph->addInput(type, "x");
  const Tensor big = pseudoRandom({100}, -1, 1, 1);
  Tensor other = big.clone();
  other.mutableData<float>()[99] += 1.0f;  // differs in the last element only
  ir::Value* a = op(top, "add", {{"x", x}, {"y", constant(top, big)}}, type);
  ir::Value* b = op(top, "mul", {{"x", a}, {"y", constant(top, big)}}, type);
  ir::Value* c = op(top, "sub", {{"x", b}, {"y", constant(top, other)}}, type);
  constant(top, big);                                  // unused
  op(top, "relu", {{"x", constant(top, big)}}, type);  // dead
  ir::Value* pred = op(top, "greater",
                       {{"x", op(top, "reduce_sum", {{"x", x}}, tensorType(DType::Float32, {}))},
                        {"y", scalar(top, 0)}},
                       tensorType(DType::Bool, {}));
  ir::Node* cond = top->appendNode("mil.cond");
  cond->addInput(pred, "pred");
  ir::Value* branch = cond->addOutput(type);
  const Tensor inner = pseudoRandom({100}, 0, 1, 2);
  for (int k = 0; k < 2; ++k) {
    ir::Block* block = cond->addBlock();
    ir::Value* v = op(block, "add", {{"x", c}, {"y", constant(block, big)}}, type);
    block->addReturn(op(block, "mul", {{"x", v}, {"y", constant(block, inner)}}, type));
  }
  top->setReturns({c, branch});
  graph->outputNames() = {"c", "branch"};
  const std::map<std::string, Tensor> input{{"x", pseudoRandom({100}, -1, 1.2f, 3)}};
  const auto before = run(*graph, "before.mlpackage", input);

  cleanupMilProgram(*graph, kMLProgram);
  int topConsts = 0;
  for (const auto& node : top->nodes()) topConsts += node->kind() == "mil.const";
  EXPECT_EQ(topConsts, 3);  // big, other, the 0 of the comparison
  EXPECT_EQ(count(*graph, "relu"), 0);
  ir::Value* shared = a->producer()->input(1);
  EXPECT_EQ(b->producer()->input(1), shared);
  EXPECT_NE(c->producer()->input(1), shared);
  for (const auto& block : cond->blocks()) {
    ASSERT_EQ(block->nodes().size(), 3u);  // add, the branch's own `inner`, mul
    EXPECT_EQ(block->nodes()[0]->kind(), "mil.add");
    EXPECT_EQ(block->nodes()[0]->input(1), shared);
    EXPECT_EQ(block->nodes()[1]->kind(), "mil.const");
  }
  expectSameOutputs(run(*graph, "after.mlpackage", input), before, 0);
}

// hardsigmoid as lowered (clip(x * 1/6 + 0.5, 0, 1)) inside hardswish: one sigmoid_hard in an ML
// Program; a neural network has no such layer, so there the ops stay.
TEST(MilCleanup, HardSigmoidBecomesOneOpInMLPrograms) {
  auto build = [] {
    auto graph = std::make_unique<ir::Graph>();
    ir::Block* top = graph->top();
    const auto type = tensorType(DType::Float32, {1, 4, 5});
    ir::Value* x = graph->addInput(type, "x");
    ir::Value* m = op(top, "mul", {{"x", x}, {"y", scalar(top, 1.0 / 6)}}, type);
    ir::Value* a = op(top, "add", {{"x", scalar(top, 0.5)}, {"y", m}}, type);
    ir::Value* c =
        op(top, "clip", {{"x", a}, {"alpha", scalar(top, 0)}, {"beta", scalar(top, 1)}}, type);
    top->addReturn(op(top, "mul", {{"x", x}, {"y", c}}, type));
    graph->outputNames() = {"y"};
    return graph;
  };
  const std::map<std::string, Tensor> input{{"x", pseudoRandom({1, 4, 5}, -5, 5, 8)}};
  auto graph = build();
  const auto before = run(*graph, "before.mlpackage", input);
  cleanupMilProgram(*graph, kMLProgram);
  auto counts = opCounts(*graph);
  EXPECT_EQ(counts["sigmoid_hard"], 1);
  EXPECT_EQ(counts["mul"], 1);
  EXPECT_EQ(counts["add"] + counts["clip"], 0);
  expectSameOutputs(run(*graph, "after.mlpackage", input), before, 1e-6);

  auto network = build();
  cleanupMilProgram(*network);
  EXPECT_EQ(count(*network, "sigmoid_hard"), 0);
  EXPECT_EQ(count(*network, "clip"), 1);
  expectSameOutputs(run(*network, "after.mlmodel", input), before, 1e-6);
}

// A conv + batch_norm inside a cond branch whose result is the branch's return, and inside a
// while_loop body: fused, and the blocks return the conv.
TEST(MilCleanup, FusesInsideNestedBlocksAndKeepsTheirReturns) {
  auto build = [] {
    auto graph = std::make_unique<ir::Graph>();
    ir::Block* top = graph->top();
    ir::Value* x = graph->addInput(tensorType(DType::Float32, {1, 3, 6, 6}), "x");
    const auto type = tensorType(DType::Float32, {1, 3, 6, 6});
    ir::Value* pred = op(top, "greater",
                         {{"x", op(top, "reduce_sum", {{"x", x}}, tensorType(DType::Float32, {}))},
                          {"y", scalar(top, 0)}},
                         tensorType(DType::Bool, {}));
    ir::Node* cond = top->appendNode("mil.cond");
    cond->addInput(pred, "pred");
    ir::Value* branch = cond->addOutput(type);
    ir::Block* yes = cond->addBlock();
    yes->addReturn(batchNorm(yes, conv(yes, x, 3, true, 1), 3, 2));
    ir::Block* no = cond->addBlock();
    no->addReturn(op(no, "relu", {{"x", x}}, type));

    ir::Value* zero = scalar(top, 0, DType::Int32);
    ir::Node* loop = top->appendNode("mil.while_loop");
    loop->addInput(zero, "loop_vars");
    loop->addInput(branch, "loop_vars");
    loop->addOutput(tensorType(DType::Int32, {}));
    ir::Value* result = loop->addOutput(type);
    ir::Block* condBlock = loop->addBlock();
    ir::Value* i = condBlock->addParam(tensorType(DType::Int32, {}), "i");
    condBlock->addParam(type, "t");
    condBlock->addReturn(op(condBlock, "less",
                            {{"x", i}, {"y", scalar(condBlock, 2, DType::Int32)}},
                            tensorType(DType::Bool, {})));
    ir::Block* body = loop->addBlock();
    ir::Value* bi = body->addParam(tensorType(DType::Int32, {}), "i");
    ir::Value* bt = body->addParam(type, "t");
    body->addReturn(op(body, "add", {{"x", bi}, {"y", scalar(body, 1, DType::Int32)}},
                       tensorType(DType::Int32, {})));
    ir::Value* t = op(body, "identity", {{"x", bt}}, type);
    body->addReturn(batchNorm(body, conv(body, t, 3, false, 3), 3, 4, 0.3f));
    top->setReturns({result});
    graph->outputNames() = {"y"};
    return graph;
  };
  for (float sign : {1.0f, -1.0f}) {
    SCOPED_TRACE(sign > 0 ? "true branch" : "false branch");
    const auto input = imageInput(sign * 0.1f, sign * 1.0f);
    auto graph = build();
    const auto before = run(*graph, "before.mlpackage", input);
    cleanupMilProgram(*graph, kMLProgram);
    auto counts = opCounts(*graph);
    EXPECT_EQ(counts["batch_norm"], 0);
    EXPECT_EQ(counts["identity"], 0);
    EXPECT_EQ(counts["conv"], 2);
    expectSameOutputs(run(*graph, "after.mlpackage", input), before, 1e-5);
  }
}

}  // namespace
}  // namespace ts2coreml::passes
