// Compile-time evaluation of TorchScript's builtins through the op table's folds
// (lower/aten_op_table.h rows, builders in passes/static_eval.h).
#include <gtest/gtest.h>

#include <limits>

#include "core/error.h"
#include "core/tensor.h"
#include "lower/aten_op_table.h"

namespace ts2coreml::lower {
namespace {

std::optional<IValue> evaluateScalarOp(const std::string& kind, const std::vector<IValue>& args) {
  return passes::evaluateScalarOp(kind, args, foldOf(kind));
}

IValue eval(const std::string& kind, std::vector<IValue> args) {
  auto result = evaluateScalarOp(kind, args);
  EXPECT_TRUE(result.has_value()) << kind;
  return result.value_or(IValue());
}

TEST(StaticEval, IntArithmeticFollowsPython) {
  EXPECT_EQ(eval("aten::add", {IValue(2), IValue(3)}).toInt(), 5);
  EXPECT_EQ(eval("aten::floordiv", {IValue(-7), IValue(2)}).toInt(), -4);  // Python: -7 // 2 == -4
  EXPECT_EQ(eval("aten::remainder", {IValue(-7), IValue(2)}).toInt(), 1);  // Python: -7 % 2 == 1
  EXPECT_DOUBLE_EQ(eval("aten::div", {IValue(7), IValue(2)}).toDouble(), 3.5);
  EXPECT_DOUBLE_EQ(eval("aten::mul", {IValue(2), IValue(1.5)}).toDouble(), 3.0);
  EXPECT_THROW(evaluateScalarOp("aten::floordiv", {IValue(1), IValue(0)}), Error);
}

// Traced code computes sizes on rank-0 tensors: int(torch.neg(NumToTensor(n))),
// torch.to(torch.pow(n - 1, 0.5), int64), torch.rsub(torch.remainder(w, 4), 4).
TEST(StaticEval, SizeArithmeticOnScalarTensors) {
  auto scalar = [](DType dtype, double v) { return IValue(Tensor::scalar(dtype, v)); };
  EXPECT_EQ(eval("aten::neg", {scalar(DType::Int64, 8)}).toTensor().elementAsDouble(0), -8);
  IValue root = eval("aten::pow", {scalar(DType::Int64, 49), IValue(0.5)});
  EXPECT_DOUBLE_EQ(root.toTensor().elementAsDouble(0), 7.0);
  IValue truncated = eval("aten::to", {scalar(DType::Float32, 6.9), IValue(int64_t{4})});
  EXPECT_EQ(truncated.toTensor().dtype(), DType::Int64);
  EXPECT_EQ(truncated.toTensor().elementAsDouble(0), 6);
  EXPECT_EQ(eval("aten::rsub", {scalar(DType::Int64, 3), IValue(4)}).toTensor().elementAsDouble(0),
            1);
  EXPECT_EQ(eval("aten::ceil", {scalar(DType::Float32, 2.25)}).toTensor().elementAsDouble(0), 3);
  EXPECT_EQ(eval("aten::Int", {eval("aten::neg", {scalar(DType::Int64, 5)})}).toInt(), -5);
  // Not folded: a tensor of more than one element, a negative square root.
  EXPECT_FALSE(evaluateScalarOp("aten::sqrt", {scalar(DType::Float32, -1)}).has_value());
}

// Python's max()/min() of ints are prim::max/prim::min in TorchScript (timm's same padding).
TEST(StaticEval, MinAndMaxOfNumbersAndLists) {
  EXPECT_EQ(eval("prim::max", {IValue(-2), IValue(0)}).toInt(), 0);
  EXPECT_EQ(eval("prim::min", {IValue(7), IValue(3)}).toInt(), 3);
  EXPECT_DOUBLE_EQ(eval("prim::max", {IValue(1.5), IValue(0.5)}).toDouble(), 1.5);
  IValue list = IValue::list({IValue(4), IValue(9), IValue(2)});
  EXPECT_EQ(eval("aten::max", {list}).toInt(), 9);
  EXPECT_EQ(eval("prim::min", {list}).toInt(), 2);
  EXPECT_THROW(evaluateScalarOp("prim::max", {IValue::list({})}), Error);
}

// math.sqrt / math.log of ints in model code (timm's nest: grid_size = int(math.sqrt(T))).
TEST(StaticEval, MathFunctionsOfNumbers) {
  EXPECT_DOUBLE_EQ(eval("aten::sqrt", {IValue(49)}).toDouble(), 7.0);
  EXPECT_DOUBLE_EQ(eval("aten::log", {IValue(8), IValue(2)}).toDouble(), 3.0);
  EXPECT_DOUBLE_EQ(eval("aten::log10", {IValue(1000.0)}).toDouble(), 3.0);
  EXPECT_DOUBLE_EQ(eval("aten::exp", {IValue(0)}).toDouble(), 1.0);
  EXPECT_THROW(evaluateScalarOp("aten::sqrt", {IValue(-4)}), Error);
  EXPECT_THROW(evaluateScalarOp("aten::log", {IValue(0)}), Error);
}

TEST(StaticEval, ComparisonsOfLargeIntsAreExact) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(eval("aten::lt", {IValue(big), IValue(big - 1)}).toBool());
  EXPECT_TRUE(eval("aten::gt", {IValue(big), IValue(big - 1)}).toBool());
}

TEST(StaticEval, StringsAndNone) {
  EXPECT_TRUE(eval("aten::eq", {IValue("relu"), IValue("relu")}).toBool());
  EXPECT_FALSE(eval("aten::eq", {IValue("relu"), IValue("gelu")}).toBool());
  EXPECT_TRUE(eval("aten::__is__", {IValue(), IValue()}).toBool());
  EXPECT_TRUE(eval("aten::__isnot__", {IValue(3), IValue()}).toBool());
  EXPECT_EQ(eval("aten::format", {IValue("expected {}D input"), IValue(3)}).toString(),
            "expected 3D input");
}

TEST(StaticEval, ContainersAndRanges) {
  IValue list = IValue::list({IValue(4), IValue(5), IValue(6)});
  EXPECT_EQ(eval("aten::len", {list}).toInt(), 3);
  EXPECT_EQ(eval("aten::__getitem__", {list, IValue(-1)}).toInt(), 6);
  EXPECT_THROW(evaluateScalarOp("aten::__getitem__", {list, IValue(3)}), Error);
  EXPECT_EQ(eval("aten::__range_length", {IValue(0), IValue(10), IValue(3)}).toInt(), 4);
  EXPECT_EQ(eval("aten::__range_length", {IValue(5), IValue(0), IValue(-2)}).toInt(), 3);
}

TEST(StaticEval, TensorArgumentsAreNotFolded) {
  EXPECT_FALSE(evaluateScalarOp("aten::add", {IValue(Tensor(DType::Float32, {2})), IValue(1)}));
}

TEST(StaticEval, TensorQueriesUseStaticShapes) {
  auto type = ir::Type::tensor(DType::Float32, Shape{1, 3, 8, 8});
  auto dim = passes::evaluateTensorQuery("aten::dim", {type}, {std::nullopt});
  ASSERT_TRUE(dim);
  EXPECT_EQ(dim->toInt(), 4);
  auto size1 = passes::evaluateTensorQuery("aten::size", {type, ir::Type::intType()},
                                           {std::nullopt, IValue(-3)});
  ASSERT_TRUE(size1);
  EXPECT_EQ(size1->toInt(), 3);
  auto unknown = ir::Type::tensor(DType::Float32, Shape{-1, 3});
  EXPECT_FALSE(passes::evaluateTensorQuery("aten::size", {unknown}, {std::nullopt}));
}

}  // namespace
}  // namespace ts2coreml::lower
