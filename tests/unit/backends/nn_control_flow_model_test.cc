// End to end: a MIL graph with data-dependent control flow (reduce_mean -> less -> cond, then a
// while_loop running conv + relu) is written as a .mlmodel by writeNeuralNetwork, read back from
// disk and executed by the neural network runtime, and compared with a reference computed here
// (a direct convolution loop).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "core/error.h"
#include "coreml/model_file.h"
#include "nn_test_files.h"
#include "nn_test_graph.h"
#include "runtime/neuralnetwork/nn_model.h"

namespace ts2coreml {
namespace {

using namespace testing;

constexpr int64_t kChannels = 3, kSize = 8;

struct ControlFlowModel {
  ir::Graph graph;
  Tensor weight = pseudoRandom({kChannels, kChannels, 3, 3}, -0.3f, 0.3f, 7);
  Tensor bias = pseudoRandom({kChannels}, -0.1f, 0.1f, 8);
};

// x [1,3,8,8] -> n = mean(x) < 0 ? 2 : 1 -> (i, y) = while i < n: (i + 1, relu(conv(y)))
// outputs: "y" (final y) and "iterations" (final i).
void build(ControlFlowModel& m) {
  ir::Graph& g = m.graph;
  ir::Block* top = g.top();
  const Shape image = {1, kChannels, kSize, kSize};
  ir::Value* x = g.addInput(tensorType(DType::Float32, image), "x");
  ir::Value* zero = milConst(top, scalarTensor(DType::Float32, 0.0));
  ir::Value* two = milConst(top, scalarTensor(DType::Int32, 2));
  ir::Value* one = milConst(top, scalarTensor(DType::Int32, 1));
  ir::Value* start = milConst(top, scalarTensor(DType::Int32, 0));
  ir::Value* weight = milConst(top, m.weight);
  ir::Value* bias = milConst(top, m.bias);
  ir::Value* padType = milConstString(top, "custom");
  ir::Value* pad = milConst(top, intVector({1, 1, 1, 1}));
  ir::Value* strides = milConst(top, intVector({1, 1}));
  ir::Value* dilations = milConst(top, intVector({1, 1}));
  ir::Value* groups = milConst(top, scalarTensor(DType::Int32, 1));
  ir::Value* toInt = milConstString(top, "int32");

  ir::Value* mean = milOp1(top, "reduce_mean", {{"x", x}}, tensorType(DType::Float32, {}), "mean");
  ir::Value* negative =
      milOp1(top, "less", {{"x", mean}, {"y", zero}}, tensorType(DType::Bool, {}), "negative");
  ir::Node* cond = milOp(top, "cond", {{"pred", negative}}, {tensorType(DType::Int32, {})});
  cond->output()->setName("n");
  cond->addBlock()->addReturn(two);
  cond->addBlock()->addReturn(one);
  // An int -> int cast is the identity; kept to exercise the cast lowering.
  ir::Value* limit = milOp1(top, "cast", {{"x", cond->output()}, {"dtype", toInt}},
                            tensorType(DType::Int32, {}), "limit");

  ir::Node* loop = milOp(top, "while_loop", {{"loop_vars", start}, {"loop_vars", x}},
                         {tensorType(DType::Int32, {}), tensorType(DType::Float32, image)});
  ir::Block* condBlock = loop->addBlock();
  ir::Block* body = loop->addBlock();
  ir::Value* ci = condBlock->addParam(tensorType(DType::Int32, {}), "i");
  condBlock->addParam(tensorType(DType::Float32, image), "y");
  condBlock->addReturn(
      milOp1(condBlock, "less", {{"x", ci}, {"y", limit}}, tensorType(DType::Bool, {}), "more"));
  ir::Value* bi = body->addParam(tensorType(DType::Int32, {}), "i");
  ir::Value* by = body->addParam(tensorType(DType::Float32, image), "y");
  ir::Value* conv = milOp1(body, "conv",
                           {{"x", by},
                            {"weight", weight},
                            {"bias", bias},
                            {"strides", strides},
                            {"pad_type", padType},
                            {"pad", pad},
                            {"dilations", dilations},
                            {"groups", groups}},
                           tensorType(DType::Float32, image), "conv");
  ir::Value* relu = milOp1(body, "relu", {{"x", conv}}, tensorType(DType::Float32, image), "relu");
  ir::Value* next =
      milOp1(body, "add", {{"x", bi}, {"y", one}}, tensorType(DType::Int32, {}), "i_next");
  body->addReturn(next);
  body->addReturn(relu);

  top->addReturn(loop->output(1));
  top->addReturn(loop->output(0));
  g.outputNames() = {"y", "iterations"};
  g.renumber();
}

// relu(conv2d(x, w, b, padding 1)) written out directly.
Tensor convReluReference(const Tensor& x, const Tensor& w, const Tensor& b) {
  Tensor out(DType::Float32, x.shape());
  const float* xd = x.data<float>();
  const float* wd = w.data<float>();
  float* od = out.mutableData<float>();
  for (int64_t o = 0; o < kChannels; ++o) {
    for (int64_t y = 0; y < kSize; ++y) {
      for (int64_t xx = 0; xx < kSize; ++xx) {
        double sum = b.data<float>()[o];
        for (int64_t c = 0; c < kChannels; ++c) {
          for (int64_t ky = 0; ky < 3; ++ky) {
            for (int64_t kx = 0; kx < 3; ++kx) {
              int64_t iy = y + ky - 1, ix = xx + kx - 1;
              if (iy < 0 || iy >= kSize || ix < 0 || ix >= kSize) continue;
              sum +=
                  wd[((o * kChannels + c) * 3 + ky) * 3 + kx] * xd[(c * kSize + iy) * kSize + ix];
            }
          }
        }
        od[(o * kSize + y) * kSize + xx] = std::max(0.0f, static_cast<float>(sum));
      }
    }
  }
  return out;
}

double maxAbsDiff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.numel(), b.numel());
  double worst = 0.0;
  for (int64_t i = 0; i < std::min(a.numel(), b.numel()); ++i) {
    worst = std::max(worst, std::fabs(a.elementAsDouble(i) - b.elementAsDouble(i)));
  }
  return worst;
}

double maxAbs(const Tensor& a) {
  double m = 0.0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::fabs(a.elementAsDouble(i)));
  return m;
}

void checkRun(runtime::Model& model, const ControlFlowModel& m, float offset,
              int expectedIterations, bool fp16) {
  Tensor x = pseudoRandom({1, kChannels, kSize, kSize}, offset - 0.25f, offset + 0.25f, 3);
  Tensor reference = x;
  for (int k = 0; k < expectedIterations; ++k)
    reference = convReluReference(reference, m.weight, m.bias);

  auto out = model.predict({{"x", x}});
  ASSERT_EQ(out.count("y"), 1u);
  ASSERT_EQ(out.count("iterations"), 1u);
  EXPECT_EQ(out["y"].shape(), reference.shape());
  EXPECT_EQ(out["iterations"].elementAsDouble(0), expectedIterations);
  double tolerance =
      fp16 ? 3e-2 * std::max(1.0, maxAbs(reference)) : 1e-4 + 1e-3 * maxAbs(reference);
  EXPECT_LE(maxAbsDiff(out["y"], reference), tolerance);
}

class NNControlFlowModel : public ::testing::TestWithParam<bool> {};

TEST_P(NNControlFlowModel, WritesLoadsAndRunsBothBranches) {
  const bool fp16 = GetParam();
  ControlFlowModel m;
  build(m);
  NNTempDir dir;
  std::string path = dir.file("control_flow.mlmodel");
  backends::NeuralNetworkOptions options;
  options.fp16Weights = fp16;
  options.metadata.author = "ts2coreml tests";
  backends::writeNeuralNetwork(m.graph, path, options);
  ASSERT_TRUE(std::filesystem::exists(path));
  keepArtifact(path, fp16 ? "nn_control_flow_fp16" : "nn_control_flow");

  auto model = runtime::makeNeuralNetworkModel(coreml::readModel(path), path);
  ASSERT_EQ(model->inputs().size(), 1u);
  EXPECT_EQ(model->inputs()[0].name, "x");
  EXPECT_EQ(model->inputs()[0].shape, (Shape{1, kChannels, kSize, kSize}));
  ASSERT_EQ(model->outputs().size(), 2u);

  checkRun(*model, m, -0.5f, 2, fp16);  // negative mean: two loop iterations
  checkRun(*model, m, +0.5f, 1, fp16);  // positive mean: one

  // The public entry point picks the same interpreter for a .mlmodel holding a neural network.
  auto loaded = runtime::Model::load(path);
  checkRun(*loaded, m, -0.5f, 2, fp16);

  std::string summary = model->summary();
  EXPECT_NE(summary.find("neuralNetwork"), std::string::npos);
  EXPECT_NE(summary.find("1 branch, 1 loop"), std::string::npos) << summary;
  EXPECT_NE(summary.find("convolution: 1"), std::string::npos) << summary;
}

INSTANTIATE_TEST_SUITE_P(Weights, NNControlFlowModel, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "fp16" : "fp32"; });

TEST(NNControlFlowModelSpec, HasTheCoreMLStructure) {
  ControlFlowModel m;
  build(m);
  CoreML::Specification::Model spec = backends::buildNeuralNetworkSpec(m.graph, {});
  EXPECT_GE(spec.specificationversion(), 4);
  ASSERT_TRUE(spec.has_neuralnetwork());
  const auto& nn = spec.neuralnetwork();
  EXPECT_EQ(nn.arrayinputshapemapping(), CoreML::Specification::EXACT_ARRAY_MAPPING);
  EXPECT_EQ(nn.imageinputshapemapping(), CoreML::Specification::RANK4_IMAGE_MAPPING);
  EXPECT_EQ(spec.description().input(0).type().multiarraytype().datatype(),
            CoreML::Specification::ArrayFeatureType::FLOAT32);

  const CoreML::Specification::NeuralNetworkLayer* branch = nullptr;
  const CoreML::Specification::NeuralNetworkLayer* loop = nullptr;
  for (const auto& layer : nn.layers()) {
    if (layer.has_branch()) branch = &layer;
    if (layer.has_loop()) loop = &layer;
  }
  ASSERT_TRUE(branch && loop);
  // Both branch arms end with a copy into the cond's output blob.
  for (const auto* arm : {&branch->branch().ifbranch(), &branch->branch().elsebranch()}) {
    ASSERT_GT(arm->layers_size(), 0);
    const auto& last = arm->layers(arm->layers_size() - 1);
    EXPECT_TRUE(last.has_copy());
    EXPECT_EQ(last.output(0), "n");
  }
  // The loop runs on its condition network; the body ends with copies into the carried blobs,
  // which the condition network reads.
  const auto& params = loop->loop();
  EXPECT_EQ(params.maxloopiterations(), 0u);
  ASSERT_GT(params.conditionnetwork().layers_size(), 0);
  EXPECT_EQ(
      params.conditionvar(),
      params.conditionnetwork().layers(params.conditionnetwork().layers_size() - 1).output(0));
  const auto& body = params.bodynetwork();
  ASSERT_GE(body.layers_size(), 2);
  EXPECT_TRUE(body.layers(body.layers_size() - 1).has_copy());
  EXPECT_TRUE(body.layers(body.layers_size() - 2).has_copy());
  bool convInline = false;
  for (const auto& layer : body.layers()) {
    if (layer.has_convolution()) {
      convInline = layer.convolution().weights().floatvalue_size() == kChannels * kChannels * 9 &&
                   layer.convolution().hasbias() && layer.convolution().has_valid() &&
                   layer.convolution().valid().paddingamounts().borderamounts_size() == 2;
    }
  }
  EXPECT_TRUE(convInline);
  // The loop's results sit under the model output names.
  EXPECT_TRUE(nn.layers(nn.layers_size() - 1).has_copy());
}

TEST(NNControlFlowModelSpec, UnsupportedOpFailsAndLeavesNoFile) {
  ir::Graph g;
  ir::Value* x = g.addInput(tensorType(DType::Float32, {2, 2}), "x");
  g.top()->addReturn(milOp1(g.top(), "einsum", {{"x", x}}, tensorType(DType::Float32, {2, 2})));
  g.outputNames() = {"y"};
  NNTempDir dir;
  std::string path = dir.file("bad.mlmodel");
  try {
    backends::writeNeuralNetwork(g, path, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no layer for MIL op 'einsum'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("ML Program"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace ts2coreml

namespace ts2coreml {
namespace {

// A .mlmodel is one protobuf message: past protobuf's 2 GB the writer refuses and recommends an
// ML Program. The limit is lowered here so the test needs kilobytes, not gigabytes.
TEST(NNControlFlowModelSpec, ModelOverTheProtobufLimitIsRefusedWithoutAFile) {
  ControlFlowModel m;
  build(m);
  NNTempDir dir;
  std::string path = dir.file("too_big.mlmodel");
  backends::NeuralNetworkOptions options;
  const uint64_t written = backends::buildNeuralNetworkSpec(m.graph, options).ByteSizeLong();
  options.maxFileBytes = written - 1;
  try {
    backends::writeNeuralNetwork(m.graph, path, options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("protobuf limit"), std::string::npos) << message;
    EXPECT_NE(message.find(".mlpackage"), std::string::npos) << message;
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  // At the real size it is written.
  options.maxFileBytes = written;
  backends::writeNeuralNetwork(m.graph, path, options);
  EXPECT_TRUE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace ts2coreml
