// The op table (lower/aten_op_table.h) against the operator schemas the compiler binds calls to
// (data/op_schemas.txt): a row for a name no schema has is never reached by a compiled call, so
// it is dead, or misspelt. The nodes the compiler makes itself (control flow, containers,
// attribute access) have no schema; they are listed here.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "lower/aten_op_table.h"
#include "torchscript/schema/schema_registry.h"

namespace ts2coreml::torchscript {
namespace {

TEST(OpTableSchemas, EveryRowNamesAnOpTheCompilerCanEmit) {
  const std::set<std::string> compilerNodes = {"prim::If", "prim::Loop", "prim::ListConstruct",
                                               "prim::TupleConstruct"};
  const auto& schemas = schema::SchemaRegistry::instance();
  std::vector<std::string> unknown;
  for (const auto& [name, op] : lower::atenOps().rows()) {
    if (compilerNodes.count(name)) continue;
    if (schemas.lookup(name).empty()) unknown.push_back(name);
  }
  EXPECT_TRUE(unknown.empty()) << "rows without a schema: " << ::testing::PrintToString(unknown);
}

TEST(OpTableSchemas, EveryRowHasALoweringOrAShapeRule) {
  for (const auto& [name, op] : lower::atenOps().rows()) {
    EXPECT_TRUE(op.lowering || op.shapeRule) << name << " has an empty row";
  }
}

}  // namespace
}  // namespace ts2coreml::torchscript
