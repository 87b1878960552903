// Prints the rows of the MIL op table (src/ir/mil_ops.def) as compiled, one op per line, fields
// separated by tabs: name, iOS opset, fp16 (computes|special), fp16 note, neural network
// (lowered|backend|ml-program-only), its function or reason, runtime function, inputs (name, then
// "?" when optional, "!" when it must be a constant, "..." for a list). tools/gen_mil_op_table.py
// writes docs/mil_ops.md from it; tests/e2e/test_mil_ops_doc.py checks that doc is current.
#include <iostream>

#include "ir/mil_op_table.h"

namespace {

const char* neuralNetworkWord(ts2coreml::ir::MilNeuralNetwork decision) {
  switch (decision) {
    case ts2coreml::ir::MilNeuralNetwork::Lowered:
      return "lowered";
    case ts2coreml::ir::MilNeuralNetwork::BackendHandles:
      return "backend";
    case ts2coreml::ir::MilNeuralNetwork::MlProgramOnly:
      return "ml-program-only";
  }
  return "?";
}

}  // namespace

int main() {
  using ts2coreml::ir::MilFp16;
  for (const ts2coreml::ir::MilOpSpec& op : ts2coreml::ir::kMilOps) {
    std::cout << op.name << '\t' << op.introducedInIos << '\t'
              << (op.fp16 == MilFp16::Computes ? "computes" : "special") << '\t' << op.fp16Note
              << '\t' << neuralNetworkWord(op.neuralNetwork) << '\t' << op.nnDetail << '\t'
              << op.runtimeFunction << '\t';
    const char* separator = "";
    for (const ts2coreml::ir::MilInputSpec& input : op.inputs) {
      std::cout << separator << input.name << (input.optional ? "?" : "")
                << (input.mustBeConst ? "!" : "") << (input.variadic ? "..." : "");
      separator = ",";
    }
    std::cout << '\n';
  }
  return 0;
}
