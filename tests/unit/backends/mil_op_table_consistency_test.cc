// The op table (src/ir/mil_ops.def) against the registries that hold the functions: the runtime's
// MIL op table and the neural-network backend's lowerings. A row without its functions, or a
// function without its row, fails here instead of as an e2e failure under torch. (The op names
// the lowerings emit are checked by the compiler: ir::MilOpName.)
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "backends/neuralnetwork/nn_context.h"
#include "ir/mil_op_table.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml {
namespace {

using ir::kMilOps;
using ir::MilNeuralNetwork;

TEST(MilOpTable, EveryRowHasARuntimeFunction) {
  for (const ir::MilOpSpec& op : kMilOps) {
    EXPECT_NE(runtime::mil::findMilOp(std::string(op.name)), nullptr)
        << "MIL op '" << op.name << "' has a row but no runtime function (" << op.runtimeFunction
        << " in runtime/mil/ops_<family>.cc)";
  }
}

TEST(MilOpTable, EveryRuntimeFunctionHasARow) {
  for (const auto& [name, fn] : runtime::mil::milOpTable()) {
    EXPECT_NE(ir::findMilOpSpec(name), nullptr)
        << "the runtime executes MIL op '" << name << "', which src/ir/mil_ops.def lacks";
  }
}

TEST(MilOpTable, NeuralNetworkDecisionsMatchTheBackendsLowerings) {
  const auto& lowerings = backends::nn::layerLoweringRegistry();
  for (const ir::MilOpSpec& op : kMilOps) {
    const bool lowered = lowerings.count(std::string(op.name)) > 0;
    if (op.neuralNetwork == MilNeuralNetwork::Lowered) {
      EXPECT_TRUE(lowered) << "MIL op '" << op.name << "' is NN(" << op.nnDetail
                           << ") in the table but nn_registry.cc has no lowering for it";
    } else {
      EXPECT_FALSE(lowered) << "MIL op '" << op.name << "' has a neural-network lowering but its "
                            << "row says it has none (" << op.nnDetail << ")";
    }
  }
  for (const auto& [name, fn] : lowerings) {
    EXPECT_NE(ir::findMilOpSpec(name), nullptr)
        << "nn_registry.cc lowers MIL op '" << name << "', which src/ir/mil_ops.def lacks";
  }
}

TEST(MilOpTable, RowsAreWellFormed) {
  std::set<std::string_view> names;
  for (const ir::MilOpSpec& op : kMilOps) {
    EXPECT_TRUE(names.insert(op.name).second) << "two rows for MIL op '" << op.name << "'";
    // The ML Program opsets: iOS15 (the first) ... iOS18.
    EXPECT_GE(op.introducedInIos, 15) << op.name;
    EXPECT_LE(op.introducedInIos, 18) << op.name;
    EXPECT_FALSE(op.runtimeFunction.empty()) << op.name;
    EXPECT_FALSE(op.nnDetail.empty()) << op.name << ": an NN decision needs its function or reason";
    if (op.fp16 == ir::MilFp16::Special) EXPECT_FALSE(op.fp16Note.empty()) << op.name;
    std::set<std::string_view> inputs;
    for (const ir::MilInputSpec& input : op.inputs) {
      EXPECT_FALSE(input.name.empty()) << op.name;
      EXPECT_TRUE(inputs.insert(input.name).second) << op.name << "." << input.name << " twice";
    }
  }
  // ir::findMilOpSpec (hashed) and the constexpr scan agree on every row.
  for (const ir::MilOpSpec& op : kMilOps) {
    EXPECT_EQ(ir::findMilOpSpec(op.name), ir::findMilOpSpecConstexpr(op.name)) << op.name;
  }
  EXPECT_EQ(ir::findMilOpSpec("no_such_op"), nullptr);
  EXPECT_EQ(ir::findMilOpSpecOfKind("mil.conv"), ir::findMilOpSpec("conv"));
  EXPECT_EQ(ir::findMilOpSpecOfKind("aten::conv"), nullptr);
}

}  // namespace
}  // namespace ts2coreml
