// The executor's control flow on hand-written networks: the three loop forms, trip counts from an
// input, loopBreak / loopContinue (also from inside a branch), branch truth, and the static
// checks made when a model is opened.
#include <gtest/gtest.h>

#include "core/error.h"
#include "nn_spec_builder.h"
#include "runtime/neuralnetwork/nn_model.h"

namespace ts2coreml {
namespace {

using namespace testing;

// acc starts at x; each body run adds 1 (copy acc_next -> acc).
void addCounterBody(spec::NeuralNetwork* body) {
  linear(body, "inc", "acc", "acc_next", 1.0f, 1.0f);
  layer(body, "write_back", {"acc_next"}, {"acc"})->mutable_copy();
}

float runCounter(spec::Model m, float x, float trip = -1.0f) {
  std::map<std::string, Tensor> inputs = {{"x", values({1}, {x})}};
  if (trip >= 0) inputs["trip"] = values({1}, {trip});
  auto model = runtime::makeNeuralNetworkModel(std::move(m), "test.mlmodel");
  return asVector(model->predict(inputs).at("y"))[0];
}

spec::Model counterModel(bool withTripInput) {
  FeatureList inputs = {{"x", {1}}};
  if (withTripInput) inputs.push_back({"trip", {1}});
  spec::Model m = nnModel(inputs, {{"y", {1}}});
  layer(m.mutable_neuralnetwork(), "init", {"x"}, {"acc"})->mutable_copy();
  return m;
}

void finishCounter(spec::Model& m) {
  layer(m.mutable_neuralnetwork(), "out", {"acc"}, {"y"})->mutable_copy();
}

TEST(NNRuntimeLoop, ForLoopRunsMaxLoopIterations) {
  spec::Model m = counterModel(false);
  auto* loop = layer(m.mutable_neuralnetwork(), "loop", {}, {})->mutable_loop();
  loop->set_maxloopiterations(5);
  addCounterBody(loop->mutable_bodynetwork());
  finishCounter(m);
  EXPECT_EQ(runCounter(m, 10.0f), 15.0f);
}

TEST(NNRuntimeLoop, InputTripCountOverridesMaxLoopIterations) {
  spec::Model m = counterModel(true);
  auto* l = layer(m.mutable_neuralnetwork(), "loop", {"trip"}, {});
  l->mutable_loop()->set_maxloopiterations(100);
  addCounterBody(l->mutable_loop()->mutable_bodynetwork());
  finishCounter(m);
  EXPECT_EQ(runCounter(m, 0.0f, 3.0f), 3.0f);
  EXPECT_EQ(runCounter(m, 0.0f, 0.0f), 0.0f);
}

// while acc < 4: acc += 1 (condition only), and the same with a limit of 2 iterations.
TEST(NNRuntimeLoop, ConditionNetworkAloneAndWithALimit) {
  for (uint64_t limit : {0u, 2u}) {
    spec::Model m = counterModel(false);
    auto* loop = layer(m.mutable_neuralnetwork(), "loop", {}, {})->mutable_loop();
    loop->set_maxloopiterations(limit);
    loop->set_conditionvar("go");
    layer(loop->mutable_conditionnetwork(), "test", {"acc"}, {"go"})
        ->mutable_lessthan()
        ->set_alpha(4.0f);
    addCounterBody(loop->mutable_bodynetwork());
    finishCounter(m);
    EXPECT_EQ(runCounter(m, 0.5f), limit == 0 ? 4.5f : 2.5f) << "limit " << limit;
    EXPECT_EQ(runCounter(m, 7.0f), 7.0f) << "condition false at once";
  }
}

// for 10 iterations: if acc > 2.5: break; acc += 1 — the break sits inside a branch.
TEST(NNRuntimeLoop, BreakFromInsideABranch) {
  spec::Model m = counterModel(false);
  auto* loop = layer(m.mutable_neuralnetwork(), "loop", {}, {})->mutable_loop();
  loop->set_maxloopiterations(10);
  auto* body = loop->mutable_bodynetwork();
  layer(body, "big", {"acc"}, {"big"})->mutable_greaterthan()->set_alpha(2.5f);
  auto* branch = layer(body, "maybe_break", {"big"}, {})->mutable_branch();
  layer(branch->mutable_ifbranch(), "stop", {}, {})->mutable_loopbreak();
  addCounterBody(body);
  finishCounter(m);
  EXPECT_EQ(runCounter(m, 0.0f), 3.0f);
}

// for 3 iterations: acc += 1; if acc > 3: continue; acc += 10
TEST(NNRuntimeLoop, ContinueSkipsTheRestOfTheBody) {
  spec::Model m = counterModel(false);
  auto* loop = layer(m.mutable_neuralnetwork(), "loop", {}, {})->mutable_loop();
  loop->set_maxloopiterations(3);
  auto* body = loop->mutable_bodynetwork();
  addCounterBody(body);
  layer(body, "big", {"acc"}, {"big"})->mutable_greaterthan()->set_alpha(3.0f);
  auto* branch = layer(body, "maybe_continue", {"big"}, {})->mutable_branch();
  layer(branch->mutable_ifbranch(), "next", {}, {})->mutable_loopcontinue();
  linear(body, "jump", "acc", "acc_jump", 1.0f, 10.0f);
  layer(body, "write_jump", {"acc_jump"}, {"acc"})->mutable_copy();
  finishCounter(m);
  // 0 -> 1 -> 11; 12 (> 3: continue); 13 (continue)
  EXPECT_EQ(runCounter(m, 0.0f), 13.0f);
}

TEST(NNRuntimeBranch, TruthThresholdAndMissingElse) {
  spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
  auto* net = m.mutable_neuralnetwork();
  layer(net, "init", {"x"}, {"y0"})->mutable_copy();
  layer(net, "y_default", {"y0"}, {"y"})->mutable_copy();
  auto* branch = layer(net, "branch", {"x"}, {})->mutable_branch();
  loadConstant(branch->mutable_ifbranch(), "hundred", {1}, {100.0f});
  layer(branch->mutable_ifbranch(), "set", {"hundred"}, {"y"})->mutable_copy();
  auto model = runtime::makeNeuralNetworkModel(m, "branch.mlmodel");
  EXPECT_EQ(asVector(model->predict({{"x", values({1}, {0.5f})}}).at("y"))[0], 100.0f);
  EXPECT_EQ(asVector(model->predict({{"x", values({1}, {-2.0f})}}).at("y"))[0], 100.0f);
  EXPECT_EQ(asVector(model->predict({{"x", values({1}, {5e-7f})}}).at("y"))[0],
            5e-7f);  // |x| <= 1e-6 is false
}

void expectRejected(const spec::Model& m, const std::string& fragment) {
  try {
    runtime::makeNeuralNetworkModel(m, "bad.mlmodel");
    ADD_FAILURE() << "expected an error containing '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.mlmodel"), std::string::npos) << e.what();
  }
}

TEST(NNRuntimeValidation, RejectsBrokenNetworks) {
  {
    spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
    linear(m.mutable_neuralnetwork(), "a", "x", "y", 1, 0);
    linear(m.mutable_neuralnetwork(), "b", "x", "y", 2, 0);
    expectRejected(m, "only copy layers may overwrite");
  }
  {
    spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
    linear(m.mutable_neuralnetwork(), "a", "nowhere", "y", 1, 0);
    expectRejected(m, "reads blob 'nowhere'");
  }
  {
    spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
    linear(m.mutable_neuralnetwork(), "a", "x", "z", 1, 0);
    expectRejected(m, "never writes the model output 'y'");
  }
  {
    spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
    linear(m.mutable_neuralnetwork(), "a", "x", "y", 1, 0);
    layer(m.mutable_neuralnetwork(), "stop", {}, {})->mutable_loopbreak();
    expectRejected(m, "only allowed inside a loop body");
  }
  {  // a blob written in one arm only is not visible after the branch
    spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
    auto* branch = layer(m.mutable_neuralnetwork(), "branch", {"x"}, {})->mutable_branch();
    linear(branch->mutable_ifbranch(), "a", "x", "y", 1, 0);
    expectRejected(m, "never writes the model output 'y'");
  }
}

TEST(NNRuntimeValidation, WritersInBothArmsOfABranchAreFine) {
  spec::Model m = nnModel({{"x", {1}}}, {{"y", {1}}});
  auto* branch = layer(m.mutable_neuralnetwork(), "branch", {"x"}, {})->mutable_branch();
  linear(branch->mutable_ifbranch(), "a", "x", "y", 1, 1);
  linear(branch->mutable_elsebranch(), "b", "x", "y", 1, -1);
  auto model = runtime::makeNeuralNetworkModel(m, "ok.mlmodel");
  EXPECT_EQ(asVector(model->predict({{"x", values({1}, {3.0f})}}).at("y"))[0], 4.0f);
  EXPECT_EQ(asVector(model->predict({{"x", values({1}, {0.0f})}}).at("y"))[0], -1.0f);
  std::string summary = model->summary();
  EXPECT_NE(summary.find("layers: 3"), std::string::npos) << summary;
  EXPECT_NE(summary.find("activation: 2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("1 branch, 0 loop"), std::string::npos) << summary;
}

TEST(NNRuntimeInputs, ShapesAreChecked) {
  spec::Model m = nnModel({{"x", {2, 3}}}, {{"y", {2, 3}}});
  linear(m.mutable_neuralnetwork(), "a", "x", "y", 1, 0);
  auto model = runtime::makeNeuralNetworkModel(m, "shape.mlmodel");
  EXPECT_THROW(model->predict({{"x", Tensor(DType::Float32, {3, 2})}}), Error);
  EXPECT_THROW(model->predict({}), Error);
  // Another numeric dtype is cast.
  Tensor ints(DType::Int32, {2, 3});
  ints.mutableData<int32_t>()[4] = 7;
  EXPECT_EQ(asVector(model->predict({{"x", ints}}).at("y"))[4], 7.0f);
}

}  // namespace
}  // namespace ts2coreml
