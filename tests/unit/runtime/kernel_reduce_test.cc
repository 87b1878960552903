#include <gtest/gtest.h>

#include <cmath>

#include "kernel_test_util.h"
#include "runtime/kernels/reduce.h"

namespace ts2coreml::runtime::kernels {
namespace {

using namespace ts2coreml::runtime::testing;

TEST(KernelReduce, NegativeAxesAndKeepDims) {
  Tensor x = pattern({2, 3, 4}, 3);
  const float* v = x.data<float>();
  // Reduce over axes (-1, 0) = (2, 0): result per middle index j.
  Tensor sum = reduce(ReduceOp::Sum, x, std::vector<int64_t>{-1, 0}, false);
  Tensor mean = reduce(ReduceOp::Mean, x, std::vector<int64_t>{-1, 0}, true);
  Tensor mx = reduce(ReduceOp::Max, x, std::vector<int64_t>{-1, 0}, false);
  ASSERT_EQ(sum.shape(), (Shape{3}));
  ASSERT_EQ(mean.shape(), (Shape{1, 3, 1}));
  for (int j = 0; j < 3; ++j) {
    double s = 0, m = -1e9;
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k) {
        s += v[(i * 3 + j) * 4 + k];
        m = std::max<double>(m, v[(i * 3 + j) * 4 + k]);
      }
    EXPECT_NEAR(sum.data<float>()[j], s, 1e-6);
    EXPECT_NEAR(mean.data<float>()[j], s / 8, 1e-6);
    EXPECT_FLOAT_EQ(mx.data<float>()[j], static_cast<float>(m));
  }
}

TEST(KernelReduce, AbsentAxesMeanAll) {
  Tensor x = floats({2, 2}, {1, 2, 3, 4});
  Tensor all = reduce(ReduceOp::Sum, x, std::nullopt, false);
  EXPECT_EQ(all.rank(), 0);
  expectValues(all, {10});
  expectValues(reduce(ReduceOp::Prod, x, std::nullopt, true), {24});
  EXPECT_EQ(reduce(ReduceOp::Prod, x, std::nullopt, true).shape(), (Shape{1, 1}));
  expectValues(reduce(ReduceOp::L2Norm, x, std::vector<int64_t>{1}, false), {std::sqrt(5.0), 5.0});
  expectValues(reduce(ReduceOp::L1Norm, floats({2}, {-1, 2}), std::nullopt, false), {3});
  expectValues(reduce(ReduceOp::SumSquare, x, std::vector<int64_t>{0}, false), {10, 20});
  expectValues(reduce(ReduceOp::LogSumExp, x, std::vector<int64_t>{1}, false),
               {std::log(std::exp(1.0) + std::exp(2.0)), std::log(std::exp(3.0) + std::exp(4.0))},
               1e-5);
  expectValues(reduce(ReduceOp::Min, x, std::vector<int64_t>{0}, false), {1, 2});
}

TEST(KernelReduce, Int32SumStaysInt32) {
  Tensor x = ints({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor s = reduce(ReduceOp::Sum, x, std::vector<int64_t>{-1}, false);
  EXPECT_EQ(s.dtype(), DType::Int32);
  expectValues(s, {6, 15});
}

TEST(KernelReduce, ArgMaxTakesTheFirstMaximum) {
  Tensor x = floats({2, 4}, {1, 5, 5, 0, -1, -3, -0.5f, -2});
  Tensor a = argReduce(true, x, -1, false);
  EXPECT_EQ(a.dtype(), DType::Int32);
  expectValues(a, {1, 2});
  expectValues(argReduce(false, x, 0, true), {1, 1, 1, 1});
  EXPECT_EQ(argReduce(false, x, 0, true).shape(), (Shape{1, 4}));
}

}  // namespace
}  // namespace ts2coreml::runtime::kernels
