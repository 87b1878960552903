// MilBuilder and the op table: op names are ir::MilOpName (a literal missing from
// src/ir/mil_ops.def does not compile: tests/compile_fail/mil_op_name.cc), names computed at run
// time and input names are checked when the op is built.
#include <gtest/gtest.h>

#include "core/error.h"
#include "ir/mil_op_table.h"
#include "ir/verifier.h"
#include "lower/mil_builder.h"

namespace ts2coreml::lower {
namespace {

TEST(MilBuilderOpTable, BuildsOpsThatMatchTheTable) {
  ir::Graph graph;
  ir::Value* x = graph.addInput(milTensor(DType::Float32, {2, 3}), "x");
  MilBuilder b(graph, graph.top());
  ir::Value* y = b.op1("transpose", {{"x", x}, {"perm", b.constIntVector({1, 0})}},
                       milTensor(DType::Float32, {3, 2}));
  graph.top()->addReturn(y);
  EXPECT_EQ(y->producer()->kind(), "mil.transpose");
  EXPECT_NO_THROW(ir::verifyMilOpSignatures(graph, "test"));
}

TEST(MilBuilderOpTable, RejectsAnInputTheOpDoesNotHave) {
  ir::Graph graph;
  ir::Value* x = graph.addInput(milTensor(DType::Float32, {2}), "x");
  MilBuilder b(graph, graph.top());
  try {
    b.op1("relu", {{"x", x}, {"alpha", b.constFloat(0.5)}}, x->type());
    FAIL() << "relu.alpha accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "internal error: a lowering gives MIL op 'relu' an input it does not have: "
                 "'alpha' (src/ir/mil_ops.def)");
  }
}

TEST(MilBuilderOpTable, NamesComputedAtRunTimeAreChecked) {
  const std::string reduce = std::string("reduce_") + "max";
  EXPECT_EQ(ir::MilOpName::checked(reduce).view(), "reduce_max");
  EXPECT_THROW(ir::MilOpName::checked("reduce_maximum"), Error);
}

}  // namespace
}  // namespace ts2coreml::lower
