// Result types of ops through their op-table rows (lower/aten_op_table.h): the rule a row binds,
// or the lookups not yet moved into the table.
#include <gtest/gtest.h>

#include "lower/aten_op_table.h"

namespace ts2coreml::lower {
namespace {

using passes::broadcastShapes;
using passes::OpOperands;
using passes::promoteTypes;

OpOperands operands(std::vector<ir::TypePtr> types, std::vector<std::optional<IValue>> constants) {
  return OpOperands{std::move(types), std::move(constants), {}};
}

TEST(ShapeInference, Broadcasting) {
  EXPECT_EQ(broadcastShapes({2, 1, 4}, {3, 1}).value(), (Shape{2, 3, 4}));
  EXPECT_EQ(broadcastShapes({}, {5}).value(), (Shape{5}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {4, 3}).has_value());
}

TEST(ShapeInference, Conv2dOutputShape) {
  // 1x3x64x64 input, 8x3x3x3 kernel, stride 2, padding 1, dilation 1 -> 1x8x32x32
  // (floor((64 + 2 - 3) / 2) + 1 = 32, as torch computes it).
  OpOperands ops;
  ops.types = {ir::Type::tensor(DType::Float32, Shape{1, 3, 64, 64}),
               ir::Type::tensor(DType::Float32, Shape{8, 3, 3, 3}),
               ir::Type::tensor(DType::Float32, Shape{8}),
               ir::Type::list(ir::Type::intType()),
               ir::Type::list(ir::Type::intType()),
               ir::Type::list(ir::Type::intType()),
               ir::Type::intType()};
  ops.constants = {std::nullopt,
                   std::nullopt,
                   std::nullopt,
                   IValue::list({IValue(2), IValue(2)}),
                   IValue::list({IValue(1), IValue(1)}),
                   IValue::list({IValue(1), IValue(1)}),
                   IValue(1)};
  auto type = inferResultType("aten::conv2d", ops);
  ASSERT_TRUE(type);
  EXPECT_EQ((*type)->shape().value(), (Shape{1, 8, 32, 32}));
}

TEST(ShapeInference, MeanOverAllAndOverDims) {
  auto x = ir::Type::tensor(DType::Float32, Shape{2, 3, 4});
  OpOperands all{{x, ir::Type::noneType()}, {std::nullopt, IValue()}};
  EXPECT_EQ((*inferResultType("aten::mean", all))->shape().value(), Shape{});
  OpOperands dims{
      {x, ir::Type::list(ir::Type::intType()), ir::Type::boolType(), ir::Type::noneType()},
      {std::nullopt, IValue::list({IValue(-1)}), IValue(true), IValue()}};
  EXPECT_EQ((*inferResultType("aten::mean", dims))->shape().value(), (Shape{2, 3, 1}));
}

TEST(ShapeInference, ComparisonGivesBoolAndScalarPromotion) {
  OpOperands cmp{{ir::Type::tensor(DType::Float32, Shape{2, 2}), ir::Type::intType()},
                 {std::nullopt, IValue(0)}};
  auto type = *inferResultType("aten::lt", cmp);
  EXPECT_EQ(type->dtype(), DType::Bool);
  OpOperands add{{ir::Type::tensor(DType::Int64, Shape{2}), ir::Type::floatType()},
                 {std::nullopt, IValue(0.5)}};
  EXPECT_EQ((*inferResultType("aten::add", add))->dtype(), DType::Float32);
  OpOperands div{{ir::Type::tensor(DType::Int64, Shape{2}), ir::Type::intType()},
                 {std::nullopt, IValue(2)}};
  EXPECT_EQ((*inferResultType("aten::div", div))->dtype(), DType::Float32);
}

// torch: a zero-dimensional tensor of the same category does not change a dimensioned tensor's
// dtype (traced code multiplies float32 activations by NumToTensor(float) scalars, float64).
TEST(ShapeInference, PromotionFollowsTorchCategories) {
  auto f32 = ir::Type::tensor(DType::Float32, Shape{2, 3});
  auto f64Scalar = ir::Type::tensor(DType::Float64, Shape{});
  auto i64 = ir::Type::tensor(DType::Int64, Shape{2, 3});
  auto f16 = ir::Type::tensor(DType::Float16, Shape{3});
  EXPECT_EQ(promoteTypes(f32, f64Scalar), DType::Float32);
  EXPECT_EQ(promoteTypes(f64Scalar, f32), DType::Float32);
  EXPECT_EQ(promoteTypes(i64, f64Scalar), DType::Float64);  // a higher category wins
  EXPECT_EQ(promoteTypes(i64, ir::Type::floatType()), DType::Float32);
  EXPECT_EQ(promoteTypes(f16, f32), DType::Float32);
  EXPECT_EQ(promoteTypes(f16, ir::Type::floatType()), DType::Float16);
  EXPECT_EQ(promoteTypes(ir::Type::tensor(DType::Bool, Shape{2}), ir::Type::intType()),
            DType::Int64);
  OpOperands mul{{f32, f64Scalar}, {std::nullopt, std::nullopt}};
  EXPECT_EQ((*inferResultType("aten::mul", mul))->dtype(), DType::Float32);
}

TEST(ShapeRules, CreationAndConversion) {
  auto size = ir::Type::list(ir::Type::intType());
  auto zeros = inferResultType(
      "aten::zeros",
      operands({size, ir::Type::noneType()}, {IValue::list({IValue(int64_t{3})}), IValue()}));
  EXPECT_EQ((*zeros)->dtype(), DType::Float32);
  EXPECT_EQ((*zeros)->shape().value(), Shape{3});
  auto full = inferResultType(
      "aten::full", operands({size, ir::Type::intType(), ir::Type::noneType()},
                             {IValue::list({IValue(int64_t{2})}), IValue(int64_t{1}), IValue()}));
  EXPECT_EQ((*full)->dtype(), DType::Int64);
  auto x = ir::Type::tensor(DType::Float32, Shape{2, 3});
  auto cast = inferResultType(
      "aten::to", operands({x, ir::Type::intType()}, {std::nullopt, IValue(int64_t{3})}));
  EXPECT_EQ((*cast)->dtype(), DType::Int32);
  EXPECT_EQ((*cast)->shape().value(), (Shape{2, 3}));
  EXPECT_EQ((*inferResultType("aten::max", operands({x}, {std::nullopt})))->shape().value(),
            Shape{});
}

TEST(ShapeRules, IndexingOps) {
  auto x = ir::Type::tensor(DType::Float32, Shape{2, 5, 4});
  auto i = ir::Type::intType();
  auto sliced = inferResultType(
      "aten::slice",
      operands({x, i, i, i, i}, {std::nullopt, IValue(int64_t{1}), IValue(int64_t{1}),
                                 IValue(int64_t{-1}), IValue(int64_t{2})}));
  EXPECT_EQ((*sliced)->shape().value(), (Shape{2, 2, 4}));
  auto selected = inferResultType(
      "aten::select", operands({x, i, i}, {std::nullopt, IValue(int64_t{-1}), IValue(int64_t{0})}));
  EXPECT_EQ((*selected)->shape().value(), (Shape{2, 5}));
  auto unsqueezed =
      inferResultType("aten::unsqueeze", operands({x, i}, {std::nullopt, IValue(int64_t{-1})}));
  EXPECT_EQ((*unsqueezed)->shape().value(), (Shape{2, 5, 4, 1}));
  OpOperands cat = operands({ir::Type::list(ir::Type::tensor(std::nullopt)), i},
                            {std::nullopt, IValue(int64_t{1})});
  cat.listItems = {x, ir::Type::tensor(DType::Float32, Shape{2, 3, 4})};
  EXPECT_EQ((*inferResultType("aten::cat", cat))->shape().value(), (Shape{2, 8, 4}));
  auto reshaped = inferResultType(
      "aten::reshape",
      operands({x, ir::Type::list(i)},
               {std::nullopt, IValue::list({IValue(int64_t{-1}), IValue(int64_t{8})})}));
  EXPECT_EQ((*reshaped)->shape().value(), (Shape{5, 8}));
}

}  // namespace
}  // namespace ts2coreml::lower
