// Folding rules the compiler relies on: str methods, tensor literals and spaced ranges, the facts
// that hold at inference time, and the result types of indexing / creation / conversion ops.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "passes/inference_facts.h"
#include "passes/static_eval.h"
#include "passes/string_methods.h"
#include "passes/tensor_literals.h"

namespace ts2coreml::passes {
namespace {

IValue str(const char* s) {
  return IValue(std::string(s));
}

TEST(StringMethods, FollowPython) {
  EXPECT_EQ(evaluateStringMethod("aten::startswith", {str("relu6"), str("relu")}), IValue(true));
  EXPECT_EQ(evaluateStringMethod("aten::endswith", {str("relu6"), str("relu")}), IValue(false));
  EXPECT_EQ(evaluateStringMethod("aten::split", {str("  a b  c ")}),
            IValue::list({str("a"), str("b"), str("c")}));
  EXPECT_EQ(evaluateStringMethod("aten::split", {str("a,,b"), str(",")}),
            IValue::list({str("a"), str(""), str("b")}));
  EXPECT_EQ(evaluateStringMethod("aten::join", {str("-"), IValue::list({str("x"), str("y")})}),
            str("x-y"));
  EXPECT_EQ(evaluateStringMethod("aten::replace", {str("aXbX"), str("X"), str("--")}),
            str("a--b--"));
  EXPECT_EQ(evaluateStringMethod("aten::find", {str("abc"), str("z")}), IValue(int64_t{-1}));
  EXPECT_EQ(evaluateStringMethod("aten::strip", {str(" \tq \n")}), str("q"));
  // Not a string receiver: not folded here.
  EXPECT_FALSE(evaluateStringMethod("aten::startswith", {IValue(int64_t{1}), str("a")}));
}

TEST(TensorLiterals, NestedListsAndDTypeInference) {
  auto floats = evaluateTensorLiteral(
      "aten::tensor", {IValue::list({IValue::list({IValue(1.0), IValue(int64_t{2})}),
                                     IValue::list({IValue(3.0), IValue(4.5)})})});
  ASSERT_TRUE(floats);
  EXPECT_EQ(floats->toTensor().dtype(), DType::Float32);
  EXPECT_EQ(floats->toTensor().shape(), (Shape{2, 2}));
  EXPECT_FLOAT_EQ(floats->toTensor().elementAsDouble(3), 4.5);
  auto ints = evaluateTensorLiteral("aten::tensor", {IValue::list({IValue(int64_t{7})})});
  EXPECT_EQ(ints->toTensor().dtype(), DType::Int64);
  auto bools = evaluateTensorLiteral("aten::tensor", {IValue::list({IValue(true), IValue(false)})});
  EXPECT_EQ(bools->toTensor().dtype(), DType::Bool);
  EXPECT_THROW(evaluateTensorLiteral("aten::tensor",
                                     {IValue::list({IValue::list({IValue(1.0)}), IValue(2.0)})}),
               Error);
}

TEST(TensorLiterals, LinspaceAndLogspace) {
  auto lin = evaluateTensorLiteral("aten::linspace",
                                   {IValue(0.0), IValue(1.0), IValue(int64_t{5}), IValue()});
  ASSERT_TRUE(lin);
  EXPECT_FLOAT_EQ(lin->toTensor().elementAsDouble(1), 0.25);
  auto log = evaluateTensorLiteral(
      "aten::logspace", {IValue(0.0), IValue(2.0), IValue(int64_t{3}), IValue(10.0), IValue()});
  ASSERT_TRUE(log);
  EXPECT_FLOAT_EQ(log->toTensor().elementAsDouble(2), 100.0);
  // An explicit dtype stays an op.
  EXPECT_FALSE(evaluateTensorLiteral(
      "aten::linspace", {IValue(0.0), IValue(1.0), IValue(int64_t{5}), IValue(int64_t{4})}));
}

TEST(InferenceFacts, AutogradAndDeviceQueries) {
  EXPECT_EQ(evaluateScalarOp("aten::is_grad_enabled", {}), IValue(false));
  EXPECT_EQ(evaluateScalarOp("aten::any", {IValue::list({IValue(false), IValue(true)})}),
            IValue(true));
  EXPECT_EQ(evaluateScalarOp("aten::all", {IValue::list({IValue(true), IValue(false)})}),
            IValue(false));
  EXPECT_EQ(evaluateScalarOp("prim::type", {IValue(DeviceValue{"cuda:1"})}), str("cuda"));
  EXPECT_EQ(tensorInferenceFact("prim::requires_grad"), IValue(false));
  EXPECT_FALSE(tensorInferenceFact("aten::size"));
  auto x = ir::Type::tensor(DType::Float32, Shape{2});
  EXPECT_EQ(
      evaluateTensorQuery("aten::__isnot__", {x, ir::Type::noneType()}, {std::nullopt, IValue()}),
      IValue(true));
}

}  // namespace
}  // namespace ts2coreml::passes
