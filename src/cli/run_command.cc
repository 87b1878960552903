// ts2coreml run: execute a saved Core ML model on .npy inputs with the reference runtime and
// save every output as DIR/<output name>.npy.
#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input_spec.h"
#include "core/error.h"
#include "npy/npy.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::cli {

namespace {

std::string describe(const runtime::FeatureInfo& feature) {
  return "'" + feature.name + "' (" + std::string(dtypeName(feature.dtype)) + " " +
         shapeToString(feature.shape) + ")";
}

std::string listNames(const std::vector<runtime::FeatureInfo>& features) {
  if (features.empty()) return "none";
  std::string names;
  for (const auto& feature : features) names += (names.empty() ? "" : ", ") + feature.name;
  return names;
}

// Output names are identifiers in our models; anything else is made safe to use as a file name.
std::string fileNameFor(const std::string& outputName) {
  std::string name = outputName;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name + ".npy";
}

class RunCommand : public Command {
 public:
  explicit RunCommand(CLI::App& parent) {
    app_ = parent.add_subcommand(
        "run",
        "Run a Core ML model (.mlpackage or .mlmodel) on the CPU with the reference runtime. "
        "Inputs are .npy files; every output is written as DIR/<output name>.npy.");
    app_->add_option("MODEL", model_, "Core ML model: MODEL.mlpackage or MODEL.mlmodel")
        ->required()
        ->check(CLI::ExistingPath);
    app_->add_option("--input", inputs_,
                     "Input tensor as [NAME=]FILE.npy. Repeat once per model input; without "
                     "NAME= the files bind to the model inputs in order. An array of another "
                     "numeric dtype than the model input is cast.")
        ->type_name("[NAME=]FILE.npy")
        ->allow_extra_args(false);
    app_->add_option("--output-dir", outputDir_,
                     "Directory for the outputs (created if missing): DIR/<output name>.npy")
        ->required()
        ->type_name("DIR");
    app_->add_option("--max-loop-iterations", maxLoopIterations_,
                     "Stop with an error when a loop (while_loop op, loop layer) runs more "
                     "iterations than this; guards against corrupted models that never end")
        ->type_name("N")
        ->default_val(runtime::kDefaultMaxLoopIterations)
        ->check(CLI::PositiveNumber);
    app_->footer(
        "Example:\n"
        "  ts2coreml run model.mlpackage --input x=input.npy --output-dir out/\n"
        "  (writes out/output.npy; load it with numpy.load)");
  }

  CLI::App* subcommand() const override { return app_; }

  int run() override {
    std::vector<InputFileBinding> bindings;
    for (const std::string& text : inputs_) bindings.push_back(parseInputFileBinding(text));

    runtime::setMaxLoopIterations(maxLoopIterations_);
    std::unique_ptr<runtime::Model> model = runtime::Model::load(model_);
    std::map<std::string, Tensor> feeds = bindInputs(*model, bindings);
    std::map<std::string, Tensor> results = model->predict(feeds);

    std::filesystem::create_directories(outputDir_);
    for (const runtime::FeatureInfo& output : model->outputs()) {
      auto found = results.find(output.name);
      if (found == results.end()) {
        throw Error("the runtime returned no value for model output '" + output.name + "'");
      }
      std::string path = (std::filesystem::path(outputDir_) / fileNameFor(output.name)).string();
      npy::writeFile(path, found->second);
      std::cout << "wrote " << path << " (" << dtypeName(found->second.dtype()) << " "
                << shapeToString(found->second.shape()) << ")" << std::endl;
    }
    return 0;
  }

 private:
  // Named bindings go to their input; the others fill the remaining inputs in model order.
  std::map<std::string, Tensor> bindInputs(const runtime::Model& model,
                                           const std::vector<InputFileBinding>& bindings) {
    const std::vector<runtime::FeatureInfo>& declared = model.inputs();
    std::map<std::string, Tensor> feeds;
    for (const InputFileBinding& binding : bindings) {
      if (!binding.name) continue;
      bool known = false;
      for (const auto& feature : declared) known = known || feature.name == *binding.name;
      if (!known) {
        throw Error("--input " + *binding.name + "=" + binding.path + ": the model has no input '" +
                    *binding.name + "' (its inputs: " + listNames(declared) + ")");
      }
      if (feeds.count(*binding.name)) {
        throw Error("--input: model input '" + *binding.name + "' is given twice");
      }
      feeds[*binding.name] = npy::readFile(binding.path);
    }
    size_t next = 0;
    for (const InputFileBinding& binding : bindings) {
      if (binding.name) continue;
      while (next < declared.size() && feeds.count(declared[next].name)) ++next;
      if (next == declared.size()) {
        throw Error("--input " + binding.path + ": more input files than model inputs (" +
                    listNames(declared) + ")");
      }
      feeds[declared[next].name] = npy::readFile(binding.path);
    }
    for (const auto& feature : declared) {
      if (!feeds.count(feature.name)) {
        throw Error("missing --input for model input " + describe(feature) + ", e.g. --input " +
                    feature.name + "=FILE.npy");
      }
    }
    return feeds;
  }

  CLI::App* app_ = nullptr;
  std::string model_;
  std::vector<std::string> inputs_;
  std::string outputDir_;
  uint64_t maxLoopIterations_ = runtime::kDefaultMaxLoopIterations;
};

}  // namespace

std::unique_ptr<Command> makeRunCommand(CLI::App& parent) {
  return std::make_unique<RunCommand>(parent);
}

}  // namespace ts2coreml::cli
