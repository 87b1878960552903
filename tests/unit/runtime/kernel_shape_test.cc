#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "kernel_test_util.h"
#include "runtime/kernels/index.h"
#include "runtime/kernels/norm.h"
#include "runtime/kernels/shape.h"

namespace ts2coreml::runtime::kernels {
namespace {

using namespace ts2coreml::runtime::testing;

Tensor iota(Shape shape) {
  Tensor t(DType::Float32, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) t.mutableData<float>()[i] = static_cast<float>(i);
  return t;
}

TEST(KernelShape, ReshapeRules) {
  Tensor x = iota({2, 3, 4});
  EXPECT_EQ(reshape(x, {-1, 4}).shape(), (Shape{6, 4}));
  EXPECT_EQ(reshape(x, {0, -1, 2}).shape(), (Shape{2, 6, 2}));  // 0 copies x's dim 0
  EXPECT_EQ(reshape(x, {24}).shape(), (Shape{24}));
  EXPECT_THROW(reshape(x, {5, -1}), Error);
  EXPECT_THROW(reshape(x, {-1, -1}), Error);
  EXPECT_THROW(reshape(x, {0, 12}), Error);  // 0 needs the same rank
}

TEST(KernelShape, TransposeExpandSqueezeTile) {
  Tensor x = iota({2, 3});
  Tensor t = transpose(x, {1, 0});
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  expectValues(t, {0, 3, 1, 4, 2, 5});
  EXPECT_EQ(expandDims(x, {0, -1}).shape(), (Shape{1, 2, 3, 1}));
  EXPECT_EQ(squeeze(iota({1, 2, 1, 3}), std::nullopt).shape(), (Shape{2, 3}));
  EXPECT_EQ(squeeze(iota({1, 2, 1, 3}), std::vector<int64_t>{-2}).shape(), (Shape{1, 2, 3}));
  EXPECT_THROW(squeeze(x, std::vector<int64_t>{0}), Error);
  Tensor tiled = tile(floats({2}, {1, 2}), {3});
  expectValues(tiled, {1, 2, 1, 2, 1, 2});
  expectValues(shapeOf(x), {2, 3});
  expectValues(range1d(Tensor::scalar(DType::Int32, 7), Tensor::scalar(DType::Int32, 1),
                       Tensor::scalar(DType::Int32, 2)),
               {1, 3, 5});
  expectValues(range1d(Tensor::scalar(DType::Float32, 0), Tensor::scalar(DType::Float32, 1),
                       Tensor::scalar(DType::Float32, -0.5)),
               {1, 0.5});
  Tensor filled = fill({2, 2}, 7, DType::Int32);
  EXPECT_EQ(filled.dtype(), DType::Int32);
  expectValues(filled, {7, 7, 7, 7});
}

// Expected values are Python's: x = arange(24).reshape(2, 3, 4).
TEST(KernelIndexing, SliceByIndexFollowsPythonSlicing) {
  Tensor x = iota({2, 3, 4});
  SliceSpec a;  // x[1, 0:3:2, ::-1]
  a.begin = {1, 0, 0};
  a.end = {2, 3, 0};
  a.stride = {1, 2, -1};
  a.squeezeMask = {true, false, false};
  a.beginMask = {false, false, true};
  a.endMask = {false, false, true};
  Tensor out = sliceByIndex(x, a);
  ASSERT_EQ(out.shape(), (Shape{2, 4}));
  expectValues(out, {15, 14, 13, 12, 23, 22, 21, 20});
  SliceSpec b;  // x[:, -2:, 1:-1]
  b.begin = {0, -2, 1};
  b.end = {2, 100, -1};
  Tensor out2 = sliceByIndex(x, b);
  ASSERT_EQ(out2.shape(), (Shape{2, 2, 2}));
  expectValues(out2, {5, 6, 9, 10, 17, 18, 21, 22});
  SliceSpec empty;  // x[:, 2:1, :]
  empty.begin = {0, 2, 0};
  empty.end = {2, 1, 4};
  EXPECT_EQ(sliceByIndex(x, empty).shape(), (Shape{2, 0, 4}));
  Tensor s = sliceBySize(x, {0, 1, 2}, {1, -1, 2});
  ASSERT_EQ(s.shape(), (Shape{1, 2, 2}));
  expectValues(s, {6, 7, 10, 11});
}

TEST(KernelIndexing, ScatterAlongAxisCombinesByMode) {
  Tensor x = iota({2, 3});  // [[0, 1, 2], [3, 4, 5]]
  // Row 0 writes 10 into column 2 and 20 into column 0 (-3); row 1 writes 30 into column 1.
  Tensor index = ints({2, 2}, {2, -3, 1, 1});
  Tensor updates = floats({2, 2}, {10, 20, 30, 40});
  // update: the last of repeated indices wins (row 1's two writes into column 1).
  expectValues(scatterAlongAxis(x, index, updates, 1, ScatterMode::Update), {20, 1, 10, 3, 40, 5});
  expectValues(scatterAlongAxis(x, index, updates, 1, ScatterMode::Add), {20, 1, 12, 3, 74, 5});
  expectValues(scatterAlongAxis(x, index, updates, -1, ScatterMode::Max), {20, 1, 10, 3, 40, 5});
  expectValues(scatterAlongAxis(x, index, updates, 1, ScatterMode::Mul), {0, 1, 20, 3, 4800, 5});
  // Along axis 0: one row of indices, one per column.
  expectValues(scatterAlongAxis(x, ints({1, 3}, {1, 0, 1}), floats({1, 3}, {7, 8, 9}), 0,
                                ScatterMode::Update),
               {0, 8, 2, 7, 4, 9});
  // MIL needs data's sizes outside the axis: a smaller index there is refused.
  EXPECT_THROW(scatterAlongAxis(x, ints({1, 1}, {1}), floats({1, 1}, {9}), 0, ScatterMode::Update),
               Error);
  Tensor counts = ints({2, 2}, {1, 2, 3, 4});
  Tensor total = scatterAlongAxis(counts, ints({2, 2}, {0, 0, 1, 1}), ints({2, 2}, {5, 6, 7, 8}), 1,
                                  ScatterMode::Add);
  EXPECT_EQ(total.dtype(), DType::Int32);
  expectValues(total, {12, 2, 3, 19});
  EXPECT_THROW(scatterAlongAxis(x, ints({1, 1}, {3}), floats({1, 1}, {1}), 1, ScatterMode::Add),
               Error);  // index out of range
  EXPECT_THROW(scatterAlongAxis(x, ints({1, 2}, {0, 0}), floats({1, 1}, {1}), 1, ScatterMode::Add),
               Error);  // updates and indices differ
  EXPECT_THROW(scatterAlongAxis(counts, ints({1, 1}, {0}), ints({1, 1}, {0}), 1, ScatterMode::Div),
               Error);  // integer division by zero
  EXPECT_EQ(scatterModeNamed("max"), ScatterMode::Max);
  EXPECT_FALSE(scatterModeNamed("maximum").has_value());
}

TEST(KernelIndexing, GatherConcatSplitPad) {
  Tensor x = iota({3, 2});
  Tensor g = gather(x, ints({2, 2}, {2, -3, 1, 1}), 0);
  ASSERT_EQ(g.shape(), (Shape{2, 2, 2}));
  expectValues(g, {4, 5, 0, 1, 2, 3, 2, 3});
  EXPECT_THROW(gather(x, ints({1}, {3}), 0), Error);
  expectValues(gatherAlongAxis(x, ints({3, 1}, {1, 0, 1}), 1), {1, 2, 5});
  EXPECT_THROW(gatherAlongAxis(x, ints({2, 1}, {1, 0}), 1), Error);  // MIL: x's sizes off axis

  Tensor a = floats({2, 1}, {1, 2});
  Tensor b = floats({2, 2}, {3, 4, 5, 6});
  Tensor c = concat({a, b}, -1);
  ASSERT_EQ(c.shape(), (Shape{2, 3}));
  expectValues(c, {1, 3, 4, 2, 5, 6});
  Tensor inter = concat({floats({2, 1}, {1, 2}), floats({2, 1}, {3, 4})}, 0, true);
  expectValues(inter, {1, 3, 2, 4});  // rows a0, b0, a1, b1
  Tensor st = stack({floats({2}, {1, 2}), floats({2}, {3, 4})}, 1);
  ASSERT_EQ(st.shape(), (Shape{2, 2}));
  expectValues(st, {1, 3, 2, 4});
  auto parts = split(iota({5, 2}), {2, 3}, 0);
  ASSERT_EQ(parts.size(), 2u);
  expectValues(parts[1], {4, 5, 6, 7, 8, 9});

  // numpy.pad([1, 2, 3], (2, 1), mode="reflect") = [3, 2, 1, 2, 3, 2]; "edge" = [1, 1, 1, 2, 3, 3]
  Tensor v = floats({3}, {1, 2, 3});
  expectValues(pad(v, {2, 1}, "reflect", 0), {3, 2, 1, 2, 3, 2});
  expectValues(pad(v, {2, 1}, "replicate", 0), {1, 1, 1, 2, 3, 3});
  expectValues(pad(v, {1, 0}, "constant", -1), {-1, 1, 2, 3});
  EXPECT_EQ(pad(iota({2, 2}), {1, 1}, "constant", 0).shape(), (Shape{2, 4}));  // last dim only
}

TEST(KernelNormalization, SoftmaxAndNorms) {
  Tensor x = floats({2, 3}, {1, 2, 3, 1000, 1000, 1000});
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0), s = e1 + e2 + e3;
  expectValues(softmax(x, -1), {e1 / s, e2 / s, e3 / s, 1.0 / 3, 1.0 / 3, 1.0 / 3});
  expectValues(logSoftmax(x, 1),
               {std::log(e1 / s), std::log(e2 / s), std::log(e3 / s), std::log(1.0 / 3),
                std::log(1.0 / 3), std::log(1.0 / 3)},
               1e-5);

  Tensor img = floats({1, 2, 2}, {1, 3, 10, 20});
  Tensor bn = batchNorm(img, floats({2}, {2, 15}), floats({2}, {4, 25}), floats({2}, {2, 1}),
                        floats({2}, {0, 1}), 0);
  expectValues(bn, {-1, 1, 0, 2});

  // layer_norm over the last axis of [[1, 2, 3], [2, 4, 6]]: mean 2, var 2/3; mean 4, var 8/3.
  Tensor ln = layerNorm(floats({2, 3}, {1, 2, 3, 2, 4, 6}), std::vector<int64_t>{-1}, std::nullopt,
                        std::nullopt, 0);
  const double r = 1 / std::sqrt(2.0 / 3);
  expectValues(ln, {-r, 0, r, -r, 0, r}, 1e-5);
  // over axis 0 of a [2, 2] (a non-trailing axis): columns [1, 3] and [2, 6] each -> [-1, 1]
  expectValues(layerNorm(floats({2, 2}, {1, 2, 3, 6}), std::vector<int64_t>{0}, std::nullopt,
                         std::nullopt, 0),
               {-1, -1, 1, 1}, 1e-5);
  Tensor gamma = floats({3}, {1, 2, 3});
  Tensor beta = floats({3}, {0, 0, 1});
  expectValues(layerNorm(floats({1, 3}, {1, 2, 3}), std::vector<int64_t>{1}, gamma, beta, 0),
               {-r, 0, 3 * r + 1}, 1e-5);
  Tensor in = instanceNorm(floats({1, 1, 4}, {1, 2, 3, 4}), std::nullopt, std::nullopt, 0);
  const double sd = std::sqrt(1.25);
  expectValues(in, {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd}, 1e-5);
}

}  // namespace
}  // namespace ts2coreml::runtime::kernels
