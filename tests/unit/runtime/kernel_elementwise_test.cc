#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "kernel_test_util.h"
#include "runtime/kernels/elementwise_binary.h"
#include "runtime/kernels/elementwise_unary.h"

namespace ts2coreml::runtime::kernels {
namespace {

using namespace ts2coreml::runtime::testing;

TEST(KernelBinary, BroadcastsLikeNumpy) {
  Tensor x = pattern({2, 1, 3}, 1);
  Tensor y = pattern({4, 1}, 2);
  Tensor out = binary(BinaryOp::Sub, x, y);
  ASSERT_EQ(out.shape(), (Shape{2, 4, 3}));
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 4; ++b)
      for (int c = 0; c < 3; ++c) {
        const float expected = x.data<float>()[a * 3 + c] - y.data<float>()[b];
        EXPECT_FLOAT_EQ(out.data<float>()[(a * 4 + b) * 3 + c], expected);
      }
  Tensor scalar = binary(BinaryOp::Mul, x, Tensor::scalar(DType::Float32, 3.0));
  EXPECT_EQ(scalar.shape(), x.shape());
  EXPECT_FLOAT_EQ(scalar.data<float>()[4], 3.0f * x.data<float>()[4]);
  EXPECT_THROW(binary(BinaryOp::Add, pattern({2, 3}), pattern({4})), Error);
}

// Python semantics: -7 // 2 == -4, -7 % 2 == 1, 7 % -2 == -1, 7 // -2 == -4.
TEST(KernelBinary, FloorDivAndModFollowPython) {
  Tensor a = floats({4}, {-7, 7, 7, -7});
  Tensor b = floats({4}, {2, -2, 2, -2});
  expectValues(binary(BinaryOp::FloorDiv, a, b), {-4, -4, 3, 3});
  expectValues(binary(BinaryOp::Mod, a, b), {1, -1, 1, -1});
  Tensor ia = ints({4}, {-7, 7, 7, -7});
  Tensor ib = ints({4}, {2, -2, 2, -2});
  Tensor q = binary(BinaryOp::FloorDiv, ia, ib);
  EXPECT_EQ(q.dtype(), DType::Int32);
  expectValues(q, {-4, -4, 3, 3});
  expectValues(binary(BinaryOp::Mod, ia, ib), {1, -1, 1, -1});
  expectValues(binary(BinaryOp::RealDiv, ia, ib), {-3.5, -3.5, 3.5, 3.5});  // divides in float
}

TEST(KernelBinary, ArithmeticComparisonsAndLogic) {
  Tensor a = floats({3}, {1.5f, -2.0f, 3.0f});
  Tensor b = floats({3}, {2.0f, -2.0f, 2.0f});
  expectValues(binary(BinaryOp::Pow, a, b), {2.25, 0.25, 9.0});  // (-2)^-2 = 1/4
  expectValues(binary(BinaryOp::Maximum, a, b), {2.0, -2.0, 3.0});
  expectValues(binary(BinaryOp::Minimum, a, b), {1.5, -2.0, 2.0});
  Tensor less = binary(BinaryOp::Less, a, b);
  EXPECT_EQ(less.dtype(), DType::Bool);
  expectValues(less, {1, 0, 0});
  expectValues(binary(BinaryOp::LessEqual, a, b), {1, 1, 0});
  expectValues(binary(BinaryOp::Greater, a, b), {0, 0, 1});
  expectValues(binary(BinaryOp::GreaterEqual, a, b), {0, 1, 1});
  expectValues(binary(BinaryOp::Equal, a, b), {0, 1, 0});
  expectValues(binary(BinaryOp::NotEqual, a, b), {1, 0, 1});
  Tensor p = binary(BinaryOp::Greater, a, Tensor::scalar(DType::Float32, 0));
  Tensor q = binary(BinaryOp::Less, b, Tensor::scalar(DType::Float32, 0));
  expectValues(binary(BinaryOp::LogicalAnd, p, q), {0, 0, 0});
  expectValues(binary(BinaryOp::LogicalOr, p, q), {1, 1, 1});
  expectValues(binary(BinaryOp::LogicalXor, p, q), {1, 1, 1});
}

TEST(KernelBinary, SelectBroadcastsAllThree) {
  Tensor cond =
      binary(BinaryOp::Greater, floats({2, 1}, {1, -1}), Tensor::scalar(DType::Float32, 0));
  Tensor a = floats({3}, {1, 2, 3});
  Tensor b = Tensor::scalar(DType::Float32, -5);
  Tensor out = select(cond, a, b);
  ASSERT_EQ(out.shape(), (Shape{2, 3}));
  expectValues(out, {1, 2, 3, -5, -5, -5});
}

TEST(KernelUnary, ActivationsAtKnownPoints) {
  Tensor x = floats({5}, {-2.0f, -0.5f, 0.0f, 0.5f, 2.0f});
  expectValues(unary(UnaryOp::Relu, x), {0, 0, 0, 0.5, 2});
  std::vector<double> sig, gelu, geluTanh, silu, softplus, elu, leaky, erf;
  for (double v : {-2.0, -0.5, 0.0, 0.5, 2.0}) {
    const double s = 1.0 / (1.0 + std::exp(-v));
    sig.push_back(s);
    gelu.push_back(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
    geluTanh.push_back(0.5 * v *
                       (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v))));
    silu.push_back(v * s);
    softplus.push_back(std::log(1.0 + std::exp(v)));
    elu.push_back(v > 0 ? v : 0.7 * (std::exp(v) - 1.0));
    leaky.push_back(v >= 0 ? v : 0.1 * v);
    erf.push_back(std::erf(v));
  }
  expectValues(unary(UnaryOp::Sigmoid, x), sig);
  expectValues(unary(UnaryOp::GeluExact, x), gelu);
  expectValues(unary(UnaryOp::GeluTanh, x), geluTanh);
  expectValues(unary(UnaryOp::Silu, x), silu);
  expectValues(unary(UnaryOp::Softplus, x), softplus);
  expectValues(unary(UnaryOp::Elu, x, 0.7f), elu);
  expectValues(unary(UnaryOp::LeakyRelu, x, 0.1f), leaky);
  expectValues(unary(UnaryOp::Erf, x), erf);
  expectValues(unary(UnaryOp::Clip, x, -1.0f, 1.0f), {-1, -0.5, 0, 0.5, 1});
  expectValues(unary(UnaryOp::Relu6, floats({2}, {7, 3})), {6, 3});
  expectValues(unary(UnaryOp::Log, floats({1}, {std::exp(1.0f)}), 0.0f), {1.0});
  expectValues(unary(UnaryOp::Rsqrt, floats({1}, {4}), 0.0f), {0.5});
  // numpy rounds half to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0
  expectValues(unary(UnaryOp::Round, floats({4}, {0.5f, 1.5f, 2.5f, -0.5f})), {0, 2, 2, 0});
  expectValues(unary(UnaryOp::Floor, floats({2}, {-1.5f, 1.5f})), {-2, 1});
  expectValues(unary(UnaryOp::Ceil, floats({2}, {-1.5f, 1.5f})), {-1, 2});
  expectValues(unary(UnaryOp::Sign, floats({3}, {-3, 0, 2})), {-1, 0, 1});
  Tensor notX =
      unary(UnaryOp::LogicalNot, binary(BinaryOp::Greater, x, Tensor::scalar(DType::Float32, 0)));
  EXPECT_EQ(notX.dtype(), DType::Bool);
  expectValues(notX, {1, 1, 1, 0, 0});
}

TEST(KernelUnary, IntegersStayIntegers) {
  Tensor x = ints({3}, {-4, 0, 5});
  Tensor r = unary(UnaryOp::Relu, x);
  EXPECT_EQ(r.dtype(), DType::Int32);
  expectValues(r, {0, 0, 5});
  expectValues(unary(UnaryOp::Abs, x), {4, 0, 5});
}

TEST(KernelCast, TruncatesTowardZeroAndRoundsToHalf) {
  expectValues(cast(floats({3}, {2.7f, -2.7f, 0.0f}), DType::Int32), {2, -2, 0});
  expectValues(cast(floats({3}, {2.7f, -0.1f, 0.0f}), DType::Bool), {1, 1, 0});
  // 1/3 in IEEE half is 0x3555 = 0.333251953125 (round to nearest).
  Tensor h = cast(floats({1}, {1.0f / 3.0f}), DType::Float16);
  EXPECT_EQ(h.dtype(), DType::Float16);
  EXPECT_EQ(h.data<uint16_t>()[0], 0x3555);
  EXPECT_DOUBLE_EQ(h.elementAsDouble(0), 0.333251953125);
  // 2049 is not representable in fp16 (11-bit significand): ties to even gives 2048.
  EXPECT_DOUBLE_EQ(cast(floats({1}, {2049.0f}), DType::Float16).elementAsDouble(0), 2048.0);
}

}  // namespace
}  // namespace ts2coreml::runtime::kernels
