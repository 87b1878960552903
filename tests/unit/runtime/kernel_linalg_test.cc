#include <gtest/gtest.h>

#include "core/error.h"
#include "kernel_test_util.h"
#include "runtime/kernels/linalg.h"

namespace ts2coreml::runtime::kernels {
namespace {

using namespace ts2coreml::runtime::testing;

TEST(KernelMatmul, BroadcastsBatchDims) {
  Tensor x = pattern({2, 1, 3, 4}, 1);
  Tensor y = pattern({5, 4, 2}, 2);
  Tensor out = matmul(x, y);
  ASSERT_EQ(out.shape(), (Shape{2, 5, 3, 2}));
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 5; ++b)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j) {
          double acc = 0;
          for (int k = 0; k < 4; ++k)
            acc +=
                double{x.data<float>()[(a * 3 + i) * 4 + k]} * y.data<float>()[(b * 4 + k) * 2 + j];
          EXPECT_NEAR(out.data<float>()[((a * 5 + b) * 3 + i) * 2 + j], acc, 1e-5);
        }
}

TEST(KernelMatmul, TransposesAndVectors) {
  Tensor a = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = floats({2, 3}, {1, 0, -1, 2, 1, 0});
  // a @ b^T = [[1*1+2*0+3*-1, 1*2+2*1+0], [4-6, 8+5]] = [[-2, 4], [-2, 13]]
  expectValues(matmul(a, b, false, true), {-2, 4, -2, 13});
  // a^T @ b: [3, 3]; row 0 = 1*[1,0,-1] + 4*[2,1,0] = [9, 4, -1]
  Tensor atb = matmul(a, b, true, false);
  ASSERT_EQ(atb.shape(), (Shape{3, 3}));
  expectValues(Tensor(atb).reshaped({9}), {9, 4, -1, 12, 5, -2, 15, 6, -3});
  Tensor v = floats({3}, {1, 1, 1});
  Tensor av = matmul(a, v);
  EXPECT_EQ(av.shape(), (Shape{2}));
  expectValues(av, {6, 15});
  Tensor va = matmul(floats({2}, {1, -1}), a);
  EXPECT_EQ(va.shape(), (Shape{3}));
  expectValues(va, {-3, -3, -3});
  Tensor dot = matmul(v, v);
  EXPECT_EQ(dot.rank(), 0);
  expectValues(dot, {3});
  Tensor ints32 = matmul(ints({1, 2}, {2, 3}), ints({2, 1}, {4, 5}));
  EXPECT_EQ(ints32.dtype(), DType::Int32);
  expectValues(ints32, {23});
  EXPECT_THROW(matmul(a, a), Error);
}

TEST(KernelLinear, IsXTimesWeightTransposedPlusBias) {
  Tensor x = floats({2, 2, 3}, {1, 2, 3, 0, 0, 1, -1, 1, 0, 2, 2, 2});
  Tensor w = floats({2, 3}, {1, 0, 0, 1, 1, 1});
  Tensor b = floats({2}, {10, 20});
  Tensor out = linear(x, w, b);
  ASSERT_EQ(out.shape(), (Shape{2, 2, 2}));
  expectValues(out, {11, 26, 10, 21, 9, 20, 12, 26});
  EXPECT_THROW(linear(x, floats({2, 2}, {1, 2, 3, 4}), std::nullopt), Error);
}

}  // namespace
}  // namespace ts2coreml::runtime::kernels
