#include "backends/mlprogram/mil_op_availability.h"

#include "core/error.h"
#include "ir/mil_op_table.h"

namespace ts2coreml::backends {

namespace {

const ir::MilOpSpec& tableRow(const std::string& milOp) {
  const ir::MilOpSpec* spec = ir::findMilOpSpec(milOp);
  if (!spec) {
    throw Error("internal error: MIL op '" + quoteInput(milOp) +
                "' is not in the op table (src/ir/mil_ops.def)");
  }
  return *spec;
}

}  // namespace

int firstSpecificationVersionOf(const std::string& milOp) {
  return tableRow(milOp).specificationVersion();
}

void checkOpsAvailable(const ir::Graph& milGraph, int specificationVersion) {
  ir::forEachNode(milGraph.top(), [&](ir::Node* node) {
    const std::string& kind = node->kind();
    if (kind.rfind("mil.", 0) != 0) return;
    const std::string op = kind.substr(4);
    const int needed = firstSpecificationVersionOf(op);
    if (needed > specificationVersion) {
      throw Error::at(node->describe(), "MIL op '" + op + "' needs minimum deployment target iOS" +
                                            std::to_string(needed + 9) + " (the target is iOS" +
                                            std::to_string(specificationVersion + 9) +
                                            "); raise --minimum-deployment-target");
    }
  });
}

}  // namespace ts2coreml::backends
