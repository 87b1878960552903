#include "backends/mlprogram/mlprogram_backend.h"

#include "backends/mlprogram/mil_names.h"
#include "backends/mlprogram/mil_op_availability.h"
#include "backends/mlprogram/mil_program_writer.h"
#include "backends/mlprogram/mil_types.h"
#include "backends/model_metadata.h"
#include "core/error.h"
#include "coreml/atomic_output.h"
#include "coreml/mlpackage.h"
#include "coreml/model_file.h"
#include "coreml/weight_blob_writer.h"

namespace ts2coreml::backends {

namespace {

void fillDescription(const ir::Graph& graph, const MilNamer& names, const MLProgramOptions& options,
                     CoreML::Specification::ModelDescription* description) {
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    auto* feature = description->add_input();
    feature->set_name(names.inputName(i));
    const InputFeature* given = inputFeature(options.interface, i);
    *feature->mutable_type() =
        featureType(graph.inputs()[i]->type(), /*isInput=*/true, options.specificationVersion,
                    "model input '" + feature->name() + "'", given);
    if (given) feature->set_shortdescription(given->description);
  }
  for (size_t i = 0; i < graph.outputs().size(); ++i) {
    auto* feature = description->add_output();
    feature->set_name(names.outputName(i));
    *feature->mutable_type() =
        featureType(graph.outputs()[i]->type(), /*isInput=*/false, options.specificationVersion,
                    "model output '" + feature->name() + "'");
    if (i < options.interface.outputDescriptions.size())
      feature->set_shortdescription(options.interface.outputDescriptions[i]);
  }
  writeMetadata(options.metadata, description->mutable_metadata());
}

// k of "CoreML<k>"; 0 for other names (not checked).
int opsetNumber(const std::string& opset) {
  if (opset.rfind("CoreML", 0) != 0 || opset.size() == 6) return 0;
  int number = 0;
  for (size_t i = 6; i < opset.size(); ++i) {
    if (opset[i] < '0' || opset[i] > '9') return 0;
    number = number * 10 + (opset[i] - '0');
  }
  return number;
}

}  // namespace

std::string opsetForSpecificationVersion(int specificationVersion) {
  if (specificationVersion < 6) {
    throw Error("ML programs need specification version 6 (iOS 15) or newer, not " +
                std::to_string(specificationVersion));
  }
  // Spec 6 is iOS 15 with opset "CoreML5"; each later version adds one.
  return "CoreML" + std::to_string(specificationVersion - 1);
}

void writeMLPackage(const ir::Graph& milGraph, const std::string& path,
                    const MLProgramOptions& options) {
  const std::string ownOpset = opsetForSpecificationVersion(options.specificationVersion);
  const std::string opset = options.opset.empty() ? ownOpset : options.opset;
  // "CoreML<k>" ops need specification version k + 1 or newer.
  if (opsetNumber(opset) > opsetNumber(ownOpset)) {
    throw Error("opset " + opset + " needs specification version " +
                std::to_string(opsetNumber(opset) + 1) + ", not " +
                std::to_string(options.specificationVersion));
  }
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  if (trimmed.size() < 10 || trimmed.compare(trimmed.size() - 10, 10, ".mlpackage") != 0) {
    throw Error("an ML program is written as a directory ending in .mlpackage, not '" + path + "'");
  }

  checkOpsAvailable(milGraph, options.specificationVersion);
  MilNamer names(milGraph);
  coreml::AtomicOutput output(trimmed, coreml::AtomicOutput::Kind::Directory);
  coreml::PackageLayout layout = coreml::createPackageDirectories(output.tempPath());

  CoreML::Specification::Model model;
  model.set_specificationversion(options.specificationVersion);
  fillDescription(milGraph, names, options, model.mutable_description());
  {
    coreml::WeightBlobWriter weights(layout.weightFile);
    *model.mutable_mlprogram() = buildMilProgram(milGraph, names, opset, weights);
    weights.close();
  }
  coreml::writeModelFile(model, layout.modelFile);
  coreml::writeManifest(output.tempPath());
  output.commit();
}

}  // namespace ts2coreml::backends
