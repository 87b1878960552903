// convertFile: archive -> torch-level IR -> MIL-level IR -> Core ML file.
#include "ts2coreml/convert.h"

#include "api/convert_pipeline.h"
#include "archive/torchscript_archive.h"
#include "backends/mlprogram/mlprogram_backend.h"
#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "core/error.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "lower/lowering.h"
#include "passes/dead_code_elimination.h"
#include "passes/mil_cleanup.h"
#include "passes/mil_fp16.h"
#include "torchscript/compiler/compiler.h"
#include "torchscript/schema/schema_description.h"

namespace ts2coreml {

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string trimTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// Output names of the Core ML model: "output" for one value, "output_0", "output_1", ... else.
std::vector<std::string> outputNames(size_t count) {
  if (count == 1) return {"output"};
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i) names.push_back("output_" + std::to_string(i));
  return names;
}

}  // namespace

ModelFormat formatForPath(const std::string& outputPath) {
  std::string path = trimTrailingSlashes(outputPath);
  if (endsWith(path, ".mlpackage")) return ModelFormat::MLProgram;
  if (endsWith(path, ".mlmodel")) return ModelFormat::NeuralNetwork;
  throw Error("output '" + outputPath +
              "': unknown model format (use .mlpackage for an ML Program or .mlmodel for a neural "
              "network)");
}

ConversionReport convertFile(const std::string& archivePath, const std::string& outputPath,
                             const ConvertOptions& options) {
  return api::convertArchive(archive::TorchScriptArchive::open(archivePath), outputPath, options,
                             {});
}

ConversionReport api::convertArchive(const archive::TorchScriptArchive& archive,
                                     const std::string& outputPath, const ConvertOptions& options,
                                     const ProgressCallback& progress) {
  auto enterStage = [&](std::string_view stage, double done) {
    if (progress) progress(stage, done);
  };
  enterStage("compile", 0.0);
  torchscript::CompileResult compiled = torchscript::compileForward(archive, options.inputs);
  ir::Graph& torchGraph = *compiled.graph;
  passes::eliminateDeadCode(torchGraph);
  ir::verifyGraph(torchGraph, "compiled TorchScript");

  enterStage("lower", 1.0 / 3);
  std::unique_ptr<ir::Graph> mil = lower::lowerToMil(torchGraph, torchscript::describeWithSchema);
  mil->outputNames() = outputNames(mil->outputs().size());
  Precision precision = options.precision.value_or(
      options.format == ModelFormat::MLProgram ? Precision::Float16 : Precision::Float32);
  if (options.format == ModelFormat::MLProgram && precision == Precision::Float16) {
    passes::applyFp16ComputePrecision(*mil);
  }
  passes::cleanupMilProgram(*mil, {.mlProgramOps = options.format == ModelFormat::MLProgram});
  passes::eliminateDeadCode(*mil);
  ir::verifyGraph(*mil, "lowered MIL program");

  std::map<std::string, std::string> userDefined;
  userDefined["ts2coreml.source_archive_version"] = std::to_string(archive.version());
  enterStage("write", 2.0 / 3);
  std::string path = trimTrailingSlashes(outputPath);
  if (options.format == ModelFormat::MLProgram) {
    backends::MLProgramOptions backendOptions;
    backendOptions.metadata.userDefined = userDefined;
    backends::writeMLPackage(*mil, path, backendOptions);
  } else {
    backends::NeuralNetworkOptions backendOptions;
    backendOptions.metadata.userDefined = userDefined;
    backendOptions.fp16Weights = precision == Precision::Float16;
    backends::writeNeuralNetwork(*mil, path, backendOptions);
  }
  ConversionReport report;
  report.warnings = std::move(compiled.warnings);
  report.loweredIr = ir::printGraph(*mil);
  enterStage("done", 1.0);
  return report;
}

}  // namespace ts2coreml
