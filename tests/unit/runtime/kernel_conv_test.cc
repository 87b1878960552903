#include <gtest/gtest.h>

#include "core/error.h"
#include "kernel_test_util.h"
#include "runtime/kernels/conv.h"
#include "runtime/kernels/pool.h"

namespace ts2coreml::runtime::kernels {
namespace {

using namespace ts2coreml::runtime::testing;

// Direct 2-D convolution, written as the definition reads.
Tensor referenceConv2d(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t sh, int64_t sw,
                       int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                       int64_t groups) {
  const int64_t n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
  const int64_t cout = w.dim(0), kh = w.dim(2), kw = w.dim(3), cinG = cin / groups,
                coutG = cout / groups;
  const int64_t oh = (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1;
  const int64_t ow = (wd + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
  Tensor out(DType::Float32, {n, cout, oh, ow});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t co = 0; co < cout; ++co)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double acc = bias ? bias->data<float>()[co] : 0.0;
          const int64_t g = co / coutG;
          for (int64_t c = 0; c < cinG; ++c)
            for (int64_t u = 0; u < kh; ++u)
              for (int64_t v = 0; v < kw; ++v) {
                const int64_t y = i * sh - pt + u * dh, z = j * sw - pl + v * dw;
                if (y < 0 || y >= h || z < 0 || z >= wd) continue;
                acc += double{x.data<float>()[((b * cin + g * cinG + c) * h + y) * wd + z]} *
                       w.data<float>()[((co * cinG + c) * kh + u) * kw + v];
              }
          out.mutableData<float>()[((b * cout + co) * oh + i) * ow + j] = static_cast<float>(acc);
        }
  return out;
}

void expectTensorsNear(const Tensor& a, const Tensor& b, double tolerance = 1e-5) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.numel(); ++i)
    EXPECT_NEAR(a.elementAsDouble(i), b.elementAsDouble(i), tolerance) << i;
}

TEST(KernelConv, MatchesDirectLoopWithGroupsDilationStridesAndPadding) {
  Tensor x = pattern({2, 4, 9, 8}, 11);
  Tensor w = pattern({6, 2, 3, 2}, 12);  // groups = 2
  Tensor b = pattern({6}, 13);
  ConvParams p;
  p.strides = {2, 1};
  p.dilations = {2, 3};
  p.padding = {{1, 2}, {3, 0}};
  p.groups = 2;
  expectTensorsNear(conv(x, w, b, p), referenceConv2d(x, w, &b, 2, 1, 2, 3, 1, 3, 2, 0, 2));
}

TEST(KernelConv, OneDimensionalConvIsTheTwoDimensionalOneWithHeightOne) {
  Tensor x = pattern({1, 3, 10}, 21);
  Tensor w = pattern({4, 3, 3}, 22);
  ConvParams p{{1}, {1}, {{1}, {1}}, 1};
  Tensor out = conv(x, w, std::nullopt, p);
  Tensor ref = referenceConv2d(x.reshaped({1, 3, 1, 10}), w.reshaped({4, 3, 1, 3}), nullptr, 1, 1,
                               1, 1, 0, 0, 1, 1, 1);
  expectTensorsNear(out, ref.reshaped({1, 4, 10}));
}

// "same": out = ceil(in / stride); the odd padding pixel goes after ("same") or before
// ("same_lower"). Here in = 6, stride 2, k = 4 -> out 3, total pad (3-1)*2 + 4 - 6 = 2... and
// with k = 3: total = (3-1)*2 + 3 - 6 = 1 -> same: (0, 1), same_lower: (1, 0).
TEST(KernelConv, SamePaddingRules) {
  SpatialPadding same = resolvePadding("same", {6}, {3}, {2}, {1}, {});
  EXPECT_EQ(same.before, (std::vector<int64_t>{0}));
  EXPECT_EQ(same.after, (std::vector<int64_t>{1}));
  SpatialPadding lower = resolvePadding("same_lower", {6}, {3}, {2}, {1}, {});
  EXPECT_EQ(lower.before, (std::vector<int64_t>{1}));
  EXPECT_EQ(lower.after, (std::vector<int64_t>{0}));
  SpatialPadding dilated = resolvePadding("same", {7}, {3}, {1}, {2}, {});  // effective kernel 5
  EXPECT_EQ(dilated.before[0] + dilated.after[0], 4);
  SpatialPadding custom = resolvePadding("custom", {5, 5}, {3, 3}, {1, 1}, {1, 1}, {1, 2, 3, 4});
  EXPECT_EQ(custom.before, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(custom.after, (std::vector<int64_t>{2, 4}));
  EXPECT_THROW(resolvePadding("mirror", {5}, {3}, {1}, {1}, {}), Error);

  Tensor x = pattern({1, 1, 6, 6}, 5);
  Tensor w = pattern({1, 1, 3, 3}, 6);
  ConvParams p{{2, 2}, {1, 1}, resolvePadding("same", {6, 6}, {3, 3}, {2, 2}, {1, 1}, {}), 1};
  Tensor out = conv(x, w, std::nullopt, p);
  EXPECT_EQ(out.shape(), (Shape{1, 1, 3, 3}));
  expectTensorsNear(out, referenceConv2d(x, w, nullptr, 2, 2, 1, 1, 0, 1, 0, 1, 1));
}

TEST(KernelConv, TransposeIsTheAdjointOfConv) {
  // <conv(x), y> == <x, conv_transpose(y)> for the same weights and geometry.
  Tensor x = pattern({1, 4, 7, 6}, 31);
  Tensor w = pattern({6, 2, 3, 2}, 32);  // conv: C_in 4 -> C_out 6, groups 2
  ConvParams p{{2, 1}, {1, 2}, {{1, 0}, {0, 1}}, 2};
  Tensor y = conv(x, w, std::nullopt, p);
  Tensor dy = pattern(y.shape(), 33);
  // conv_transpose weight layout [C_in(of the transpose) = 6, C_out / groups = 2, kh, kw]: the same
  // array as the conv weight.
  Tensor dx = convTranspose(dy, w, std::nullopt, p, Shape{7, 6});
  ASSERT_EQ(dx.shape(), x.shape());
  double lhs = 0, rhs = 0;
  for (int64_t i = 0; i < y.numel(); ++i) lhs += double{y.data<float>()[i]} * dy.data<float>()[i];
  for (int64_t i = 0; i < x.numel(); ++i) rhs += double{x.data<float>()[i]} * dx.data<float>()[i];
  EXPECT_NEAR(lhs, rhs, 1e-4);
  // Default output size: (in - 1) * stride - pads + (k - 1) * dil + 1.
  Tensor natural = convTranspose(dy, w, std::nullopt, p, std::nullopt);
  EXPECT_EQ(dy.shape(), (Shape{1, 6, 3, 5}));
  EXPECT_EQ(natural.shape(), (Shape{1, 4, (3 - 1) * 2 - (1 + 0) + (3 - 1) * 1 + 1,
                                    (5 - 1) * 1 - (0 + 1) + (2 - 1) * 2 + 1}));
}

TEST(KernelPool, MaxAndAverageWithPaddingAndCeilMode) {
  Tensor x = floats({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  PoolParams p;
  p.kernel = {2, 2};
  p.strides = {1, 1};
  p.padding = {{0, 0}, {0, 0}};
  expectValues(pool(PoolOp::Max, x, p), {5, 6, 8, 9});
  expectValues(pool(PoolOp::Average, x, p), {3, 4, 6, 7});
  // Padding 1 before each side, stride 2: windows start at -1 and 1.
  p.strides = {2, 2};
  p.padding = {{1, 1}, {0, 0}};
  expectValues(pool(PoolOp::Max, x, p), {1, 3, 7, 9});
  expectValues(pool(PoolOp::Average, x, p), {1.0 / 4, 5.0 / 4, 11.0 / 4, 28.0 / 4});
  p.excludePaddingFromAverage = true;
  expectValues(pool(PoolOp::Average, x, p), {1, 2.5, 5.5, 7});
  // ceil_mode: in 5, k 2, s 2 -> floor gives 2 windows, ceil gives 3 (PyTorch's MaxPool2d).
  Tensor y = pattern({1, 1, 5, 5}, 9);
  PoolParams c;
  c.kernel = {2, 2};
  c.strides = {2, 2};
  c.padding = {{0, 0}, {0, 0}};
  EXPECT_EQ(pool(PoolOp::Max, y, c).shape(), (Shape{1, 1, 2, 2}));
  c.ceilMode = true;
  Tensor ceil = pool(PoolOp::Max, y, c);
  EXPECT_EQ(ceil.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_FLOAT_EQ(ceil.data<float>()[8], y.data<float>()[24]);  // the last window holds one pixel
}

}  // namespace
}  // namespace ts2coreml::runtime::kernels
