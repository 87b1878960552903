// convertFile: archive -> torch-level IR -> MIL-level IR -> Core ML file.
#include "ts2coreml/convert.h"

#include "api/convert_pipeline.h"
#include "api/mil_constant_evaluation.h"
#include "archive/torchscript_archive.h"
#include "backends/mlprogram/mlprogram_backend.h"
#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "core/error.h"
#include "ir/mil_op_table.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "lower/aten_op_table.h"
#include "lower/lowering.h"
#include "passes/pipelines.h"
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

namespace {

// The compiler's names ("output", "output_0", ..., dict keys) with the user's in their place.
std::vector<std::string> chooseOutputNames(const ir::Graph& mil, std::vector<std::string> names,
                                           const ConvertOptions& options) {
  if (names.size() != mil.outputs().size()) {
    throw Error("internal error: " + std::to_string(mil.outputs().size()) +
                " outputs were lowered for " + std::to_string(names.size()) + " names");
  }
  if (options.outputs.size() > names.size()) {
    throw Error(std::to_string(options.outputs.size()) + " outputs are named but the model has " +
                std::to_string(names.size()));
  }
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    const std::string& given = options.outputs[i].name;
    if (given.empty()) continue;
    if (!api::isFeatureName(given))
      throw Error("output name '" + given +
                  "' is not valid (letters, digits and '_', not starting "
                  "with a digit)");
    for (const auto& input : mil.inputs()) {
      if (input->name() == given)
        throw Error("output name '" + given + "' is already the name of an input");
    }
    names[i] = given;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = i + 1; j < names.size(); ++j) {
      if (names[i] == names[j]) throw Error("two outputs are named '" + names[i] + "'");
    }
  }
  return names;
}

// What the archive tells about the torch that wrote it: 2.x writes `.data/serialization_id`,
// 1.x does not (the file format version alone does not identify the release).
std::string sourceTorchVersion(const archive::TorchScriptArchive& archive,
                               const ConvertOptions& options) {
  if (!options.sourceTorchVersion.empty()) return options.sourceTorchVersion;
  return archive.has(".data/serialization_id") ? "2.x (inferred from the archive)"
                                               : "1.x (inferred from the archive)";
}

backends::ModelInterface modelInterface(const ConvertOptions& options,
                                        const std::vector<int>& inputSpecIndex) {
  backends::ModelInterface interface;
  for (int index : inputSpecIndex) {
    backends::InputFeature feature;
    if (index >= 0) {
      const InputSpec& spec = options.inputs[static_cast<size_t>(index)];
      feature.defaultShape = spec.shape;
      feature.ranges = spec.ranges;
      feature.enumerated = spec.enumerated;
      feature.image = spec.image;
      feature.description = spec.description;
    }
    interface.inputs.push_back(std::move(feature));
  }
  for (const OutputSpec& output : options.outputs)
    interface.outputDescriptions.push_back(output.description);
  return interface;
}

// What the passes read from the options: the ops kept in fp32, image inputs, output dtypes.
passes::PassOptions passOptions(const ConvertOptions& options,
                                const backends::ModelInterface& interface) {
  passes::PassOptions result;
  result.fp32Ops = options.fp32Ops;
  lower::useOpTable(result);
  for (size_t i = 0; i < interface.inputs.size(); ++i) {
    if (interface.inputs[i].image) result.imageInputs.emplace_back(i, *interface.inputs[i].image);
  }
  for (const OutputSpec& output : options.outputs) result.outputDtypes.push_back(output.dtype);
  return result;
}

}  // namespace

ConversionReport api::convertArchive(const archive::TorchScriptArchive& archive,
                                     const std::string& outputPath, const ConvertOptions& options,
                                     const ProgressCallback& progress) {
  auto enterStage = [&](std::string_view stage, double done) {
    if (progress) progress(stage, done);
  };
  const DeploymentTarget target = effectiveTarget(options);
  validateOptions(options, target);
  const bool program = options.format == ModelFormat::MLProgram;

  enterStage("compile", 0.0);
  torchscript::CompileResult compiled =
      torchscript::compileForward(archive, options.inputs, false, options.entry);
  ir::Graph& torchGraph = *compiled.graph;
  Precision precision =
      options.precision.value_or(program ? Precision::Float16 : Precision::Float32);
  const passes::PipelineConfig pipelines{.mlProgram = program,
                                         .fp16 = program && precision == Precision::Float16};
  backends::ModelInterface interface = modelInterface(options, compiled.inputSpecIndex);
  passes::PassManager passManager(passOptions(options, interface));
  passManager.run(torchGraph, passes::torchPipeline());
  ir::verifyGraph(torchGraph, "compiled TorchScript");

  enterStage("lower", 1.0 / 3);
  std::unique_ptr<ir::Graph> mil = lower::lowerToMil(torchGraph, torchscript::describeWithSchema);
  // Before the fp16 pass: what is known at conversion time is computed once, in fp32.
  api::evaluateConstantOps(*mil);
  mil->outputNames() = chooseOutputNames(*mil, compiled.outputNames, options);
  if (!options.fp32Ops.empty() && !pipelines.fp16) {
    compiled.warnings.push_back(
        "the ops kept in fp32 only matter for an fp16 ML Program; this conversion computes in " +
        std::string(precision == Precision::Float16 ? "fp16 weights only" : "fp32"));
  }
  passManager.run(*mil, passes::formatPipeline(pipelines));
  for (const std::string& op : options.fp32Ops) {
    const ir::MilOpSpec* spec = ir::findMilOpSpec(op);
    if (spec && spec->fp16 == ir::MilFp16::Special) {
      compiled.warnings.push_back("ops kept in fp32: '" + op + "' cannot be kept in fp32 (" +
                                  std::string(spec->fp16Note) + ")");
      continue;
    }
    bool found = false;
    ir::forEachNode(mil->top(), [&](ir::Node* node) { found |= node->kind() == "mil." + op; });
    if (!found)
      compiled.warnings.push_back("ops kept in fp32: the program has no '" + op +
                                  "' op (names are MIL op types, e.g. softmax, layer_norm)");
  }
  passManager.run(*mil, passes::milCommonPipeline(pipelines));
  ir::verifyGraph(*mil, "lowered MIL program");

  backends::MLProgramMetadata metadata;
  metadata.author = options.metadata.author;
  metadata.license = options.metadata.license;
  metadata.shortDescription = options.metadata.shortDescription;
  metadata.versionString = options.metadata.versionString;
  metadata.userDefined = options.metadata.userDefined;
  metadata.userDefined["ts2coreml.source_archive_version"] = std::to_string(archive.version());
  metadata.userDefined["ts2coreml.source_torch_version"] = sourceTorchVersion(archive, options);
  metadata.userDefined["ts2coreml.minimum_deployment_target"] = deploymentTargetName(target);
  enterStage("write", 2.0 / 3);
  std::string path = trimTrailingSlashes(outputPath);
  if (program) {
    backends::MLProgramOptions backendOptions;
    backendOptions.specificationVersion = specificationVersionOf(target);
    backendOptions.metadata = std::move(metadata);
    backendOptions.interface = std::move(interface);
    backends::writeMLPackage(*mil, path, backendOptions);
  } else {
    backends::NeuralNetworkOptions backendOptions;
    backendOptions.specificationVersion = specificationVersionOf(target);
    backendOptions.metadata = std::move(metadata);
    backendOptions.interface = std::move(interface);
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
