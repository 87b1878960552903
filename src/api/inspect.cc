// inspectArchive: what a TorchScript archive holds and what the converter makes of it.
#include <map>
#include <sstream>

#include "archive/torchscript_archive.h"
#include "ir/printer.h"
#include "lower/aten_op_table.h"
#include "lower/lowering.h"
#include "passes/dead_code_elimination.h"
#include "torchscript/compiler/class_table.h"
#include "torchscript/compiler/compiler.h"
#include "torchscript/schema/schema_description.h"
#include "ts2coreml/convert.h"

namespace ts2coreml {

namespace {

void countOps(ir::Block* block, std::map<std::string, int>& counts) {
  ir::forEachNode(block, [&](ir::Node* node) {
    if (node->kind() != "prim::Constant" && node->kind() != "mil.const") ++counts[node->kind()];
  });
}

std::string typeList(const std::vector<std::unique_ptr<ir::Value>>& values) {
  std::string text;
  for (const auto& value : values)
    text += "  " + value->name() + ": " + value->type()->str() + "\n";
  return text;
}

}  // namespace

std::string inspectArchive(const std::string& archivePath, const std::vector<InputSpec>& inputs,
                           bool withIr, const EntryPoint& entry) {
  auto archive = archive::TorchScriptArchive::open(archivePath);
  std::ostringstream out;
  out << "TorchScript archive " << archivePath << " (format version " << archive.version() << ")\n";
  if (!entry.modulePath.empty()) out << "module " << entry.modulePath << "\n";
  out << entry.method << "(";
  auto params = torchscript::forwardParameters(archive, entry);
  for (size_t i = 0; i < params.size(); ++i) {
    out << (i ? ", " : "") << params[i].name << ": " << params[i].type
        << (params[i].hasDefault ? " = ..." : "");
  }
  out << ")\n";
  torchscript::CompileResult compiled =
      torchscript::compileForward(archive, inputs, /*allowUnknownShapes=*/true, entry);
  passes::eliminateDeadCode(*compiled.graph, lower::hasSideEffects);
  out << "inputs:\n" << typeList(compiled.graph->inputs());
  out << "outputs:\n";
  for (ir::Value* output : compiled.graph->outputs()) out << "  " << output->type()->str() << "\n";
  std::map<std::string, int> counts;
  countOps(compiled.graph->top(), counts);
  out << "ops after static folding:\n";
  for (const auto& [kind, count] : counts) out << "  " << kind << ": " << count << "\n";
  out << "control flow: " << counts["prim::If"] << " if, " << counts["prim::Loop"] << " loop\n";
  std::vector<std::string> unsupported =
      lower::unsupportedOps(*compiled.graph, torchscript::describeWithSchema);
  if (!unsupported.empty()) {
    out << "unsupported ops (" << unsupported.size() << "):\n";
    for (const auto& op : unsupported) out << "  " << op << "\n";
  }
  for (const auto& warning : compiled.warnings) out << "warning: " << warning << "\n";
  if (withIr) out << "\n" << ir::printGraph(*compiled.graph);
  return out.str();
}

}  // namespace ts2coreml
