#include <gtest/gtest.h>

#include "core/error.h"
#include "kernel_test_util.h"
#include "runtime/kernels/sort.h"

namespace ts2coreml::runtime::kernels {
namespace {

using namespace ts2coreml::runtime::testing;

TEST(KernelTopk, LargestAlongTheLastAxisWithIndices) {
  Tensor x = floats({2, 4}, {3, 1, 4, 1.5f, -2, 7, 0, 7});
  auto [values, indices] = topk(x, 2, -1, false);
  ASSERT_EQ(values.shape(), (Shape{2, 2}));
  expectValues(values, {4, 3, 7, 7});
  // Equal items keep their original order (index 1 before index 3).
  expectValues(indices, {2, 0, 1, 3});
  EXPECT_EQ(indices.dtype(), DType::Int32);
}

TEST(KernelTopk, AscendingAlongAMiddleAxisOfInts) {
  Tensor x = ints({2, 3, 1}, {5, -1, 2, 0, 9, -4});
  auto [values, indices] = topk(x, 3, 1, true);
  EXPECT_EQ(values.dtype(), DType::Int32);
  expectValues(values, {-1, 2, 5, -4, 0, 9});
  expectValues(indices, {1, 2, 0, 2, 0, 1});
}

TEST(KernelTopk, RejectsKBeyondTheAxis) {
  EXPECT_THROW(topk(floats({3}, {1, 2, 3}), 4, 0, false), Error);
}

}  // namespace
}  // namespace ts2coreml::runtime::kernels
