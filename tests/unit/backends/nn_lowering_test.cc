// The layers chosen for MIL ops, checked on the Model message (no runtime): scalar constants as
// alphas, mirrored comparisons, reduceAll, weights kept inline, model description and metadata.
#include <gtest/gtest.h>

#include <set>

#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "core/error.h"
#include "nn_test_graph.h"

namespace ts2coreml {
namespace {

using namespace testing;
namespace spec = CoreML::Specification;

ir::TypePtr f32(Shape s) {
  return tensorType(DType::Float32, std::move(s));
}

spec::Model lowerOne(ir::Graph& g, ir::Value* y,
                     const backends::NeuralNetworkOptions& options = {}) {
  g.top()->addReturn(y);
  g.outputNames() = {"y"};
  g.renumber();
  return backends::buildNeuralNetworkSpec(g, options);
}

// The layer writing blob `name` in the root network.
const spec::NeuralNetworkLayer& writer(const spec::Model& m, const std::string& name) {
  for (const auto& l : m.neuralnetwork().layers()) {
    for (const auto& o : l.output()) {
      if (o == name) return l;
    }
  }
  throw Error("no layer writes " + name);
}

TEST(NNLowering, ScalarConstantsBecomeAlphas) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({4}), "x");
  ir::Value* three = milConst(g.top(), scalarTensor(DType::Float32, 3.0));
  ir::Value* y = milOp1(g.top(), "sub", {{"x", x}, {"y", three}}, f32({4}));
  spec::Model m = lowerOne(g, y);
  const auto& l = writer(m, "y");
  ASSERT_TRUE(l.has_add());
  EXPECT_FLOAT_EQ(l.add().alpha(), -3.0f);
  EXPECT_EQ(l.input_size(), 1);
  for (const auto& layer : m.neuralnetwork().layers())
    EXPECT_FALSE(layer.has_loadconstantnd()) << "the constant became a blob";
}

TEST(NNLowering, ComparisonWithConstantFirstIsMirrored) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({4}), "x");
  ir::Value* c = milConst(g.top(), scalarTensor(DType::Float32, 0.5));
  ir::Value* y = milOp1(g.top(), "less_equal", {{"x", c}, {"y", x}}, tensorType(DType::Bool, {4}));
  spec::Model m = lowerOne(g, y);
  const auto& l = writer(m, "y");
  ASSERT_TRUE(l.has_greaterequal());  // 0.5 <= x  <=>  x >= 0.5
  EXPECT_FLOAT_EQ(l.greaterequal().alpha(), 0.5f);
}

TEST(NNLowering, ReduceWithoutAxesReducesAll) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({2, 3}), "x");
  spec::Model m = lowerOne(g, milOp1(g.top(), "reduce_mean", {{"x", x}}, f32({})));
  const auto& l = writer(m, "y");
  ASSERT_TRUE(l.has_reducemean());
  EXPECT_TRUE(l.reducemean().reduceall());
  EXPECT_FALSE(l.reducemean().keepdims());
}

TEST(NNLowering, TensorConstantsAreLoadedOnceAtTopLevel) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({3}), "x");
  ir::Value* k = milConst(g.top(), floatTensor({3}, {1, 2, 3}));
  ir::Value* a = milOp1(g.top(), "add", {{"x", x}, {"y", k}}, f32({3}));
  ir::Value* y = milOp1(g.top(), "mul", {{"x", a}, {"y", k}}, f32({3}));
  spec::Model m = lowerOne(g, y);
  int loads = 0;
  for (const auto& l : m.neuralnetwork().layers()) {
    if (l.has_loadconstantnd()) {
      ++loads;
      EXPECT_EQ(l.loadconstantnd().data().floatvalue_size(), 3);
    }
  }
  EXPECT_EQ(loads, 1);
  EXPECT_TRUE(writer(m, "y").has_multiplybroadcastable());
}

TEST(NNLowering, Fp16WeightsAreStoredAsHalves) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({1, 2}), "x");
  ir::Value* w = milConst(g.top(), floatTensor({3, 2}, {1, 2, 3, 4, 5, 0.1f}));
  backends::NeuralNetworkOptions options;
  options.fp16Weights = true;
  spec::Model m =
      lowerOne(g, milOp1(g.top(), "linear", {{"x", x}, {"weight", w}}, f32({1, 3})), options);
  const auto& l = writer(m, "y");
  ASSERT_TRUE(l.has_batchedmatmul());
  EXPECT_EQ(l.batchedmatmul().weightmatrixfirstdimension(), 2u);
  EXPECT_EQ(l.batchedmatmul().weightmatrixseconddimension(), 3u);
  EXPECT_EQ(l.batchedmatmul().weights().floatvalue_size(), 0);
  EXPECT_EQ(l.batchedmatmul().weights().float16value().size(), 12u);
}

TEST(NNLowering, DescriptionMetadataAndUniqueNames) {
  ir::Graph g;
  ir::Value* s = g.addInput(tensorType(DType::Int32, {}), "count");
  ir::Value* x = g.addInput(f32({-1, 4}), "x");
  ir::Value* r = milOp1(g.top(), "relu", {{"x", x}}, f32({-1, 4}),
                        "x");  // the hint clashes with the input name
  ir::Value* y = milOp1(g.top(), "add", {{"x", r}, {"y", s}}, f32({-1, 4}), "x");
  backends::NeuralNetworkOptions options;
  options.metadata.author = "me";
  options.metadata.userDefined["com.example.note"] = "demo";
  spec::Model m = lowerOne(g, y, options);
  EXPECT_EQ(m.specificationversion(), 4);
  const auto& in0 = m.description().input(0).type().multiarraytype();
  EXPECT_EQ(in0.datatype(), spec::ArrayFeatureType::FLOAT32);  // NN blobs are float, ints included
  ASSERT_EQ(in0.shape_size(), 1);
  EXPECT_EQ(in0.shape(0), 1);  // a scalar is a one-element array
  const auto& in1 = m.description().input(1).type().multiarraytype();
  ASSERT_TRUE(in1.has_shaperange());  // the unknown batch dim is flexible
  EXPECT_EQ(in1.shaperange().sizeranges(0).upperbound(), -1);
  EXPECT_EQ(in1.shaperange().sizeranges(1).lowerbound(), 4u);
  EXPECT_EQ(m.description().metadata().author(), "me");
  EXPECT_EQ(m.description().metadata().userdefined().at("com.example.note"), "demo");
  std::set<std::string> written;
  for (const auto& l : m.neuralnetwork().layers()) {
    for (const auto& o : l.output()) {
      EXPECT_NE(o, "x") << "an input blob was overwritten";
      EXPECT_TRUE(written.insert(o).second) << o;
    }
  }
  EXPECT_TRUE(written.count("y"));
}

TEST(NNLowering, RunTimeConvWeightIsTheSecondInput) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({1, 2, 4, 4}), "x");
  ir::Value* w = g.addInput(f32({3, 2, 3, 3}), "w");
  ir::Value* y = milOp1(g.top(), "conv", {{"x", x}, {"weight", w}}, f32({1, 3, 2, 2}));
  spec::Model m = lowerOne(g, y);
  const auto& l = writer(m, "y");
  ASSERT_TRUE(l.has_convolution());
  ASSERT_EQ(l.input_size(), 2);
  EXPECT_EQ(l.input(1), "w");
  EXPECT_EQ(l.convolution().outputchannels(), 3u);
  EXPECT_EQ(l.convolution().kernelchannels(), 2u);
  EXPECT_FALSE(l.convolution().has_weights());
}

TEST(NNLowering, RunTimeConvWeightOfRank3IsAnError) {
  ir::Graph g;
  ir::Value* x = g.addInput(f32({1, 1, 4, 4}), "x");
  ir::Value* w = g.addInput(f32({1, 3, 3}), "w");
  ir::Value* y = milOp1(g.top(), "conv", {{"x", x}, {"weight", w}}, f32({1, 1, 2, 2}));
  try {
    lowerOne(g, y);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mil.conv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("computed at run time needs them rank 4"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ts2coreml
