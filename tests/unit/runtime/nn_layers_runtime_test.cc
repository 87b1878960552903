// Layer semantics of the neural network runtime on hand-written one- or two-layer networks, for
// layers and parameter forms the backend tests do not reach. Expected values are worked out by
// hand from the layer definitions in NeuralNetwork.proto.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "nn_spec_builder.h"
#include "runtime/neuralnetwork/nn_model.h"

namespace ts2coreml {
namespace {

using namespace testing;

// One layer from blob "x" (shape of `input`) to "y"; `configure` fills in the layer.
template <typename F>
Tensor runLayer(const Tensor& input, F configure, std::vector<std::string> inputs = {"x"}) {
  spec::Model m = nnModel({}, {{"y", {}}});
  auto* f = m.mutable_description()->add_input();
  f->set_name("x");
  f->mutable_type()->mutable_multiarraytype()->set_datatype(spec::ArrayFeatureType::FLOAT32);
  for (int64_t d : input.shape()) f->mutable_type()->mutable_multiarraytype()->add_shape(d);
  configure(m.mutable_neuralnetwork(),
            layer(m.mutable_neuralnetwork(), "under_test", inputs, {"y"}));
  auto model = runtime::makeNeuralNetworkModel(m, "layer.mlmodel");
  return model->predict({{"x", input}}).at("y");
}

using Net = spec::NeuralNetwork*;
using Layer = spec::NeuralNetworkLayer*;

TEST(NNRuntimeLayers, Fp16WeightsAreWidened) {
  Tensor y = runLayer(values({1, 2}, {1.0f, 2.0f}), [](Net net, Layer l) {
    // y = x * W with W [2, 3] stored transposed ([3, 2]) as fp16
    auto* p = l->mutable_batchedmatmul();
    p->set_weightmatrixfirstdimension(2);
    p->set_weightmatrixseconddimension(3);
    setHalves(p->mutable_weights(), {1.0f, 0.5f, -2.0f, 0.25f, 0.1f, 3.0f});
  });
  EXPECT_EQ(y.shape(), (Shape{1, 3}));
  auto v = asVector(y);
  EXPECT_FLOAT_EQ(v[0], 2.0f);
  EXPECT_FLOAT_EQ(v[1], -1.5f);
  EXPECT_NEAR(v[2], halfToFloat(floatToHalf(0.1f)) + 6.0f, 1e-6);
}

TEST(NNRuntimeLayers, InnerProductFlattensChannelsHeightWidth) {
  Tensor y = runLayer(values({1, 2, 1, 1}, {1.0f, -1.0f}), [](Net, Layer l) {
    auto* p = l->mutable_innerproduct();
    p->set_inputchannels(2);
    p->set_outputchannels(2);
    p->set_hasbias(true);
    setFloats(p->mutable_weights(), {1, 2, 3, 4});  // [out, in]
    setFloats(p->mutable_bias(), {10, 20});
  });
  EXPECT_EQ(y.shape(), (Shape{1, 2, 1, 1}));
  EXPECT_EQ(asVector(y), (std::vector<float>{9.0f, 19.0f}));
}

TEST(NNRuntimeLayers, OldAddAndMultiplyLayers) {
  Tensor x = values({3}, {1, 2, 3});
  EXPECT_EQ(asVector(runLayer(x, [](Net, Layer l) { l->mutable_add()->set_alpha(0.5f); })),
            (std::vector<float>{1.5f, 2.5f, 3.5f}));
  EXPECT_EQ(asVector(runLayer(x, [](Net, Layer l) { l->mutable_multiply(); }, {"x", "x", "x"})),
            (std::vector<float>{1, 8, 27}));
}

TEST(NNRuntimeLayers, ActivationVariants) {
  Tensor x = values({1, 2, 1, 2}, {-2.0f, 1.0f, -1.0f, 3.0f});
  auto prelu = runLayer(x, [](Net, Layer l) {
    setFloats(l->mutable_activation()->mutable_prelu()->mutable_alpha(), {0.5f, 0.1f});
  });
  EXPECT_EQ(asVector(prelu), (std::vector<float>{-1.0f, 1.0f, -0.1f, 3.0f}));
  auto hard = runLayer(x, [](Net, Layer l) {
    auto* p = l->mutable_activation()->mutable_sigmoidhard();
    p->set_alpha(0.2f);
    p->set_beta(0.5f);
  });
  std::vector<float> expected = {0.1f, 0.7f, 0.3f, 1.0f};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(asVector(hard)[i], expected[i], 1e-6);
  auto thresholded = runLayer(
      x, [](Net, Layer l) { l->mutable_activation()->mutable_thresholdedrelu()->set_alpha(1.0f); });
  EXPECT_EQ(asVector(thresholded), (std::vector<float>{0.0f, 1.0f, 0.0f, 3.0f}));
}

TEST(NNRuntimeLayers, UnaryScalesAndShiftsFirst) {
  Tensor x = values({3}, {0.0f, 1.0f, 2.0f});
  auto power = runLayer(x, [](Net, Layer l) {
    auto* p = l->mutable_unary();
    p->set_type(spec::UnaryFunctionLayerParams::POWER);
    p->set_alpha(2.0f);
    p->set_scale(2.0f);
    p->set_shift(1.0f);
  });
  EXPECT_EQ(asVector(power), (std::vector<float>{1.0f, 9.0f, 25.0f}));  // (2x + 1)^2
  auto threshold = runLayer(x, [](Net, Layer l) {
    auto* p = l->mutable_unary();
    p->set_type(spec::UnaryFunctionLayerParams::THRESHOLD);
    p->set_alpha(1.5f);
    p->set_scale(1.0f);
  });
  EXPECT_EQ(asVector(threshold), (std::vector<float>{1.5f, 1.5f, 2.0f}));
}

TEST(NNRuntimeLayers, ShapeAndIndexLayers) {
  Tensor x = values({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(asVector(runLayer(x, [](Net, Layer l) { l->mutable_getshape(); })),
            (std::vector<float>{2, 3}));
  auto tiled = runLayer(x, [](Net, Layer l) {
    l->mutable_tile()->add_reps(1);
    l->mutable_tile()->add_reps(2);
  });
  EXPECT_EQ(tiled.shape(), (Shape{2, 6}));
  EXPECT_EQ(asVector(tiled), (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
  auto gathered = runLayer(x,
                           [](Net net, Layer l) {
                             l->mutable_gather()->set_axis(1);
                             loadConstant(net, "idx", {2}, {2, -3});
                             // the constant must exist before the gather: move it to the front
                             net->mutable_layers()->SwapElements(0, 1);
                           },
                           {"x", "idx"});
  EXPECT_EQ(asVector(gathered), (std::vector<float>{3, 1, 6, 4}));
  auto row = runLayer(x, [](Net, Layer l) {
    auto* p = l->mutable_slicestatic();
    for (int i = 0; i < 2; ++i) {
      p->add_beginids(i == 0 ? 1 : 0);
      p->add_endids(i == 0 ? 2 : 3);
      p->add_strides(1);
      p->add_beginmasks(false);
      p->add_endmasks(i == 1);
      p->add_squeezemasks(i == 0);
    }
  });
  EXPECT_EQ(row.shape(), (Shape{3}));
  EXPECT_EQ(asVector(row), (std::vector<float>{4, 5, 6}));
  auto flat =
      runLayer(values({2, 3, 2}, {}), [](Net, Layer l) { l->mutable_flattento2d()->set_axis(2); });
  EXPECT_EQ(flat.shape(), (Shape{6, 2}));
  auto argmax = runLayer(x, [](Net, Layer l) {
    l->mutable_argmax()->set_axis(0);
    l->mutable_argmax()->set_removedim(true);
  });
  EXPECT_EQ(asVector(argmax), (std::vector<float>{1, 1, 1}));
}

TEST(NNRuntimeLayers, GeneratorLayers) {
  Tensor x = values({1}, {0});
  auto range = runLayer(x,
                        [](Net, Layer l) {
                          l->clear_input();
                          auto* p = l->mutable_rangestatic();
                          p->set_startvalue(1.0f);
                          p->set_endvalue(2.0f);
                          p->set_stepsizevalue(0.25f);
                        },
                        {});
  EXPECT_EQ(asVector(range), (std::vector<float>{1.0f, 1.25f, 1.5f, 1.75f}));
  auto fill = runLayer(x,
                       [](Net, Layer l) {
                         auto* p = l->mutable_fillstatic();
                         p->set_value(7.0f);
                         p->add_targetshape(2);
                         p->add_targetshape(2);
                       },
                       {});
  EXPECT_EQ(fill.shape(), (Shape{2, 2}));
  EXPECT_EQ(asVector(fill), (std::vector<float>{7, 7, 7, 7}));
}

TEST(NNRuntimeLayers, SplitAndStack) {
  spec::Model m = nnModel({{"x", {4}}}, {{"a", {}}, {"b", {}}, {"s", {}}});
  auto* net = m.mutable_neuralnetwork();
  layer(net, "split", {"x"}, {"a", "b"})->mutable_splitnd()->set_axis(0);
  layer(net, "stack", {"a", "b"}, {"s"})->mutable_stack()->set_axis(1);
  auto model = runtime::makeNeuralNetworkModel(m, "split.mlmodel");
  auto out = model->predict({{"x", values({4}, {1, 2, 3, 4})}});
  EXPECT_EQ(asVector(out.at("a")), (std::vector<float>{1, 2}));
  EXPECT_EQ(asVector(out.at("b")), (std::vector<float>{3, 4}));
  EXPECT_EQ(out.at("s").shape(), (Shape{2, 2}));
  EXPECT_EQ(asVector(out.at("s")), (std::vector<float>{1, 3, 2, 4}));
}

TEST(NNRuntimeLayers, ErrorsNameTheLayer) {
  try {
    runLayer(values({2}, {1, 2}),
             [](Net, Layer l) { l->mutable_reshapestatic()->add_targetshape(3); });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'under_test' (reshapeStatic)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ts2coreml
