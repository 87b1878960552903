// The op table's side-effects column is what keeps dead-code elimination from dropping an op
// whose effect is not its result: without the column's query the same graph loses it.
#include <gtest/gtest.h>

#include "ir/parser.h"
#include "lower/aten_op_table.h"
#include "passes/dead_code_elimination.h"

namespace ts2coreml::lower {
namespace {

constexpr const char* kGraph = R"(graph(%x.0 : Tensor<float32 2>):
  %s.1 : str = prim::Constant[value="kept"]()
  prim::Print(%s.1)
  %c.2 : bool = prim::Constant[value=True]()
  %3 : Tensor<float32 2> = prim::If(%c.2)
    block0():
      %4 : Tensor<float32 2> = aten::copy_(%x.0, %x.0, %c.2)
      -> (%x.0)
    block1():
      -> (%x.0)
  %5 : Tensor<float32 2> = aten::neg(%x.0)
  return (%x.0)
)";

std::vector<std::string> kindsOf(const ir::Graph& graph) {
  std::vector<std::string> kinds;
  for (const auto& node : graph.top()->nodes()) kinds.push_back(node->kind());
  return kinds;
}

TEST(SideEffects, TheTableMarksOpsWhoseEffectIsNotTheirResult) {
  for (const char* name : {"prim::Print", "prim::RaiseException", "aten::append", "aten::copy_"})
    EXPECT_TRUE(atenOps().find(name) && atenOps().find(name)->sideEffects) << name;
  for (const char* name : {"aten::neg", "aten::add", "prim::If"})
    EXPECT_FALSE(atenOps().find(name) && atenOps().find(name)->sideEffects) << name;
}

TEST(SideEffects, DeadCodeEliminationKeepsWhatTheColumnMarks) {
  auto graph = ir::parseGraph(kGraph, "side_effects");
  passes::eliminateDeadCode(*graph, hasSideEffects);
  // The print stays, and the if stays for the in-place write in its block; the neg goes.
  EXPECT_EQ(kindsOf(*graph), (std::vector<std::string>{"prim::Constant", "prim::Print",
                                                       "prim::Constant", "prim::If"}));
}

TEST(SideEffects, WithoutTheColumnTheSameOpsWouldGo) {
  auto graph = ir::parseGraph(kGraph, "side_effects");
  passes::eliminateDeadCode(*graph);
  EXPECT_TRUE(kindsOf(*graph).empty());
}

}  // namespace
}  // namespace ts2coreml::lower
