#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "kernel_test_util.h"
#include "mil_test_program.h"
#include "runtime/mil/mlprogram_model.h"

namespace ts2coreml::runtime {
namespace {

using namespace ts2coreml::runtime::testing;
using Feature = CoreML::Specification::ArrayFeatureType;

std::unique_ptr<Model> load(TestModel& m) {
  return makeMLProgramModel(m.spec, "test.mlmodel", "");
}

// Name and value bindings, and absent optional inputs taking MIL's defaults: reduce_sum without
// axes sums everything; conv without strides/pad_type/dilations/groups is a plain valid conv.
TEST(MilInterpreter, BindingsAndDefaults) {
  TestModel m;
  m.input("x", MILSpec::FLOAT32, {1, 1, 3, 3}, Feature::FLOAT32);
  addConst(m.block, "w", floatValue({1, 1, 2, 2}, {1, 0, 0, -1}));
  addOp(m.block, "conv", {{"x", {"x"}}, {"weight", {"w"}}},
        {{"c", MILSpec::FLOAT32, {1, 1, 2, 2}}});
  auto* add = addOp(m.block, "add", {{"x", {"c"}}}, {{"plus", MILSpec::FLOAT32, {1, 1, 2, 2}}});
  *(*add->mutable_inputs())["y"].add_arguments()->mutable_value() =
      floatValue({}, {0.5f});  // inline value
  addOp(m.block, "reduce_sum", {{"x", {"plus"}}}, {{"total", MILSpec::FLOAT32, {}}});
  m.output("plus", Feature::FLOAT32);
  m.output("total", Feature::FLOAT32);
  auto model = load(m);
  // x = 1..9: each output = x[i][j] - x[i+1][j+1] = -4, plus 0.5.
  auto out = model->predict({{"x", floats({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})}});
  expectValues(out.at("plus"), {-3.5, -3.5, -3.5, -3.5});
  expectValues(out.at("total"), {-14});
  // An int32 tensor for an fp32 input is cast.
  auto cast = model->predict({{"x", ints({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})}});
  expectValues(cast.at("total"), {-14});
}

// while_loop whose two blocks declare the same input names, a cond block reading a function
// input (outer scope), a body returning an outer value unchanged, many iterations (no guard),
// and a cond op whose false block is empty and returns a function input.
TEST(MilInterpreter, ControlFlowScopesAndLongLoops) {
  TestModel m;
  m.input("limit", MILSpec::INT32, {1}, Feature::INT32);
  m.input("x", MILSpec::FLOAT32, {2}, Feature::FLOAT32);
  addConst(m.block, "zero", intValue({1}, {0}));
  addConst(m.block, "one", intValue({1}, {1}));
  auto* loop = addOp(m.block, "while_loop", {{"loop_vars", {"zero", "x"}}},
                     {{"count", MILSpec::INT32, {1}}, {"same_x", MILSpec::FLOAT32, {2}}});
  for (int b = 0; b < 2; ++b) {
    auto* block = loop->add_blocks();
    auto* i = block->add_inputs();
    i->set_name("i");
    *i->mutable_type() = tensorType(MILSpec::INT32, {1});
    auto* v = block->add_inputs();
    v->set_name("v");
    *v->mutable_type() = tensorType(MILSpec::FLOAT32, {2});
    if (b == 0) {
      addOp(block, "less", {{"x", {"i"}}, {"y", {"limit"}}}, {{"go", MILSpec::BOOL, {1}}});
      block->add_outputs("go");
    } else {
      addOp(block, "add", {{"x", {"i"}}, {"y", {"one"}}}, {{"next", MILSpec::INT32, {1}}});
      block->add_outputs("next");
      block->add_outputs("x");  // an outer value
    }
  }
  addConst(m.block, "big", intValue({1}, {50000}));
  addOp(m.block, "greater", {{"x", {"count"}}, {"y", {"big"}}}, {{"p", MILSpec::BOOL, {1}}});
  auto* cond = addOp(m.block, "cond", {{"pred", {"p"}}}, {{"picked", MILSpec::FLOAT32, {2}}});
  auto* yes = cond->add_blocks();
  addOp(yes, "relu", {{"x", {"same_x"}}}, {{"r", MILSpec::FLOAT32, {2}}});
  yes->add_outputs("r");
  cond->add_blocks()->add_outputs("x");  // empty block returning a function input
  m.output("count", Feature::INT32);
  m.output("picked", Feature::FLOAT32);
  auto model = load(m);

  auto many = model->predict({{"limit", ints({1}, {100000})}, {"x", floats({2}, {-1, 2})}});
  expectValues(many.at("count"), {100000});
  expectValues(many.at("picked"), {0, 2});
  auto few = model->predict({{"limit", ints({1}, {3})}, {"x", floats({2}, {-1, 2})}});
  expectValues(few.at("count"), {3});
  expectValues(few.at("picked"), {-1, 2});
  auto none = model->predict({{"limit", ints({1}, {-5})}, {"x", floats({2}, {-1, 2})}});
  expectValues(none.at("count"), {0});
  EXPECT_NE(model->summary().find("1 cond, 1 while_loop"), std::string::npos) << model->summary();
  EXPECT_NE(model->summary().find("mlProgram (opset CoreML5)"), std::string::npos);
}

// Every fp16 op output is rounded to fp16: 1 + 2^-11 is a tie in fp16 (ulp 2^-10 at 1) and rounds
// to even (1.0); adding 2^-11 twice therefore stays 1.0, where fp32 would give 1 + 2^-10.
TEST(MilInterpreter, Fp16OutputsAreRoundedAfterEveryOp) {
  TestModel m(7, "CoreML6");
  m.input("x", MILSpec::FLOAT32, {1}, Feature::FLOAT32);
  addConst(m.block, "to16", stringValue("fp16"));
  addConst(m.block, "to32", stringValue("fp32"));
  addConst(m.block, "tiny", halfValue({1}, {std::ldexp(1.0f, -11)}));
  addOp(m.block, "cast", {{"x", {"x"}}, {"dtype", {"to16"}}}, {{"h", MILSpec::FLOAT16, {1}}});
  addOp(m.block, "add", {{"x", {"h"}}, {"y", {"tiny"}}}, {{"h1", MILSpec::FLOAT16, {1}}});
  addOp(m.block, "add", {{"x", {"h1"}}, {"y", {"tiny"}}}, {{"h2", MILSpec::FLOAT16, {1}}});
  addOp(m.block, "cast", {{"x", {"h2"}}, {"dtype", {"to32"}}}, {{"y", MILSpec::FLOAT32, {1}}});
  m.output("y", Feature::FLOAT32);
  auto out = load(m)->predict({{"x", floats({1}, {1.0f})}});
  EXPECT_EQ(out.at("y").dtype(), DType::Float32);
  EXPECT_EQ(out.at("y").data<float>()[0], 1.0f);
}

// fill_like (iOS16): the shape of ref_tensor, filled with `value` in value's dtype; without a
// value, fp32 zeros.
TEST(MilInterpreter, FillLikeTakesTheShapeOfItsReference) {
  TestModel m(7, "CoreML6");
  m.input("x", MILSpec::FLOAT32, {2, 3}, Feature::FLOAT32);
  addConst(m.block, "seven", intValue({}, {7}));
  addOp(m.block, "fill_like", {{"ref_tensor", {"x"}}, {"value", {"seven"}}},
        {{"sevens", MILSpec::INT32, {2, 3}}});
  addOp(m.block, "fill_like", {{"ref_tensor", {"x"}}}, {{"zeros", MILSpec::FLOAT32, {2, 3}}});
  m.output("sevens", Feature::INT32);
  m.output("zeros", Feature::FLOAT32);
  auto out = load(m)->predict({{"x", floats({2, 3}, {1, 2, 3, 4, 5, 6})}});
  EXPECT_EQ(out.at("sevens").dtype(), DType::Int32);
  EXPECT_EQ(out.at("sevens").shape(), (Shape{2, 3}));
  expectValues(out.at("sevens"), {7, 7, 7, 7, 7, 7});
  EXPECT_EQ(out.at("zeros").shape(), (Shape{2, 3}));
  expectValues(out.at("zeros"), {0, 0, 0, 0, 0, 0});
}

TEST(MilInterpreter, ErrorsNameTheOpAndTheValue) {
  {
    TestModel m;
    m.input("x", MILSpec::FLOAT32, {2}, Feature::FLOAT32);
    addOp(m.block, "frobnicate", {{"x", {"x"}}}, {{"y", MILSpec::FLOAT32, {2}}});
    m.output("y", Feature::FLOAT32);
    try {
      load(m);
      FAIL() << "unknown op accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("frobnicate"), std::string::npos) << e.what();
    }
  }
  {
    TestModel m;
    m.input("x", MILSpec::FLOAT32, {2}, Feature::FLOAT32);
    addOp(m.block, "add", {{"x", {"x"}}, {"y", {"nowhere"}}}, {{"y", MILSpec::FLOAT32, {2}}});
    m.output("y", Feature::FLOAT32);
    auto model = load(m);
    try {
      model->predict({{"x", floats({2}, {1, 2})}});
      FAIL() << "undefined name accepted";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("op add 'y'"), std::string::npos) << message;
      EXPECT_NE(message.find("nowhere"), std::string::npos) << message;
    }
    EXPECT_THROW(model->predict({}), Error);                               // missing input
    EXPECT_THROW(model->predict({{"x", floats({3}, {1, 2, 3})}}), Error);  // wrong shape
  }
  {
    // A declared output shape that the op does not produce is reported, not silently accepted.
    TestModel m;
    m.input("x", MILSpec::FLOAT32, {2}, Feature::FLOAT32);
    addOp(m.block, "relu", {{"x", {"x"}}}, {{"y", MILSpec::FLOAT32, {3}}});
    m.output("y", Feature::FLOAT32);
    EXPECT_THROW(load(m)->predict({{"x", floats({2}, {1, 2})}}), Error);
  }
}

}  // namespace
}  // namespace ts2coreml::runtime
