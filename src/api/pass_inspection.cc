#include "api/pass_inspection.h"

#include "api/mil_constant_evaluation.h"
#include "archive/torchscript_archive.h"
#include "core/error.h"
#include "ir/printer.h"
#include "lower/aten_op_table.h"
#include "lower/lowering.h"
#include "passes/pipelines.h"
#include "torchscript/compiler/compiler.h"
#include "torchscript/schema/schema_description.h"

namespace ts2coreml::api {

namespace {

// What `convert -o MODEL.mlpackage` runs when no --precision is given.
constexpr passes::PipelineConfig kDefaultConversion{.mlProgram = true, .fp16 = true};

std::string describePipeline(const passes::Pipeline& pipeline) {
  std::string text = pipeline.name + ":\n";
  if (pipeline.stages.empty()) text += "  (no passes)\n";
  for (const passes::PipelineStage& stage : pipeline.stages) {
    if (stage.maxRounds == 1) {
      for (const std::string& name : stage.passes) text += "  " + name + "\n";
      continue;
    }
    text += "  repeated while one changes the graph (at most " + std::to_string(stage.maxRounds) +
            " rounds):\n";
    for (const std::string& name : stage.passes) text += "    " + name + "\n";
  }
  return text;
}

}  // namespace

std::string describeConversionPipelines() {
  std::vector<passes::Pipeline> pipelines = passes::conversionPipelines(kDefaultConversion);
  std::string text = "pass pipelines of an ML Program conversion (fp16), in order:\n";
  text += describePipeline(pipelines.at(0));
  text += "(lowering: aten/prim ops -> MIL ops)\n";
  text += "(constant evaluation: MIL ops on constants -> their results)\n";
  for (size_t i = 1; i < pipelines.size(); ++i) text += describePipeline(pipelines[i]);
  return text;
}

std::string irAfterPass(const std::string& archivePath, const std::vector<InputSpec>& inputs,
                        const std::string& passName, const EntryPoint& entry) {
  passes::findPass(passName);  // an unknown name fails before the archive is compiled
  auto archive = archive::TorchScriptArchive::open(archivePath);
  torchscript::CompileResult compiled = torchscript::compileForward(archive, inputs, false, entry);
  passes::PassOptions options;
  lower::useOpTable(options);
  for (size_t i = 0; i < compiled.inputSpecIndex.size(); ++i) {
    int index = compiled.inputSpecIndex[i];
    if (index >= 0 && inputs[static_cast<size_t>(index)].image)
      options.imageInputs.emplace_back(i, *inputs[static_cast<size_t>(index)].image);
  }
  passes::PassManager manager(options);
  std::string text;
  int runs = 0;
  std::string pipelineName;
  manager.setObserver([&](const std::string& name, bool changed, ir::Graph& graph) {
    if (name != passName) return;
    ++runs;
    text += "// IR after " + name + " (pipeline " + pipelineName + ", run " + std::to_string(runs) +
            (changed ? ", changed" : ", unchanged") + ")\n";
    text += ir::printGraph(graph, {.parseable = true});
  });
  std::vector<passes::Pipeline> pipelines = passes::conversionPipelines(kDefaultConversion);
  pipelineName = pipelines.at(0).name;
  manager.run(*compiled.graph, pipelines[0]);
  std::unique_ptr<ir::Graph> mil =
      lower::lowerToMil(*compiled.graph, torchscript::describeWithSchema);
  evaluateConstantOps(*mil);  // as a conversion does, before the MIL pipelines
  for (size_t i = 1; i < pipelines.size(); ++i) {
    pipelineName = pipelines[i].name;
    manager.run(*mil, pipelines[i]);
  }
  if (!runs)
    throw Error("pass '" + passName +
                "' is not in the pipelines of an ML Program conversion (see inspect --passes)");
  return text;
}

}  // namespace ts2coreml::api
