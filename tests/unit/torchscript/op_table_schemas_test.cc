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
  const std::set<std::string> compilerNodes = {"prim::If",
                                               "prim::Loop",
                                               "prim::ListConstruct",
                                               "prim::TupleConstruct",
                                               "prim::RaiseException",
                                               "prim::Print",
                                               "prim::SetAttr"};
  const auto& schemas = schema::SchemaRegistry::instance();
  std::vector<std::string> unknown;
  for (const auto& [name, op] : lower::atenOps().rows()) {
    if (compilerNodes.count(name)) continue;
    if (schemas.lookup(name).empty()) unknown.push_back(name);
  }
  EXPECT_TRUE(unknown.empty()) << "rows without a schema: " << ::testing::PrintToString(unknown);
}

TEST(OpTableSchemas, EveryRowHasALoweringARuleAFoldOrSideEffects) {
  for (const auto& [name, op] : lower::atenOps().rows()) {
    EXPECT_TRUE(op.lowering || op.shapeRule || op.fold || op.sideEffects)
        << name << " has an empty row";
  }
}

// An op marked with side effects is one that writes: a prim the compiler makes for an effect, or
// an aten op whose schema writes one of its arguments (`(a!)`) or returns nothing.
TEST(OpTableSchemas, EveryRowWithSideEffectsWritesSomething) {
  const std::set<std::string> effectPrims = {"prim::RaiseException", "prim::Print",
                                             "prim::SetAttr"};
  const auto& schemas = schema::SchemaRegistry::instance();
  for (const auto& [name, op] : lower::atenOps().rows()) {
    if (!op.sideEffects || effectPrims.count(name)) continue;
    bool writes = false;
    for (const schema::Schema* overload : schemas.lookup(name)) {
      for (const auto& argument : overload->arguments) writes |= argument.mutates;
      writes |= overload->returns.empty();
    }
    EXPECT_TRUE(writes) << name << " is marked with side effects but its schemas write nothing";
  }
}

// A lowered op whose every overload returns tensors needs a rule: the schema's declared type has
// no shape, and a lowering refuses a result of unknown shape. (Ops with number overloads, like
// aten::add on ints, are folded or lowered as numbers and are not checked here.)
TEST(OpTableSchemas, EveryLoweredTensorOpHasAResultRule) {
  // The compiler folds NumToTensor of compile-time numbers; its run-time form is refused later.
  const std::set<std::string> exempt = {"prim::NumToTensor"};
  const auto& schemas = schema::SchemaRegistry::instance();
  std::vector<std::string> missing;
  for (const auto& [name, op] : lower::atenOps().rows()) {
    if (!op.lowering || op.shapeRule || exempt.count(name)) continue;
    // (The name is passed in: clang 14 cannot capture a structured binding.)
    auto returnsOnlyTensors = [&schemas](const std::string& op) {
      size_t tensors = 0;
      for (const schema::Schema* overload : schemas.lookup(op)) {
        for (const auto& result : overload->returns) {
          if (!result.type->isTensor()) return false;
          ++tensors;
        }
      }
      return tensors > 0;
    };
    if (returnsOnlyTensors(name)) missing.push_back(name);
  }
  EXPECT_TRUE(missing.empty()) << "lowered without a result rule: "
                               << ::testing::PrintToString(missing);
}

}  // namespace
}  // namespace ts2coreml::torchscript
