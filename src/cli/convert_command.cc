// ts2coreml convert: TorchScript archive -> .mlpackage (ML Program) or .mlmodel (neural network).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input_spec.h"
#include "cli/model_paths.h"
#include "core/error.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::cli {

namespace {

class ConvertCommand : public Command {
 public:
  explicit ConvertCommand(CLI::App& parent) {
    app_ = parent.add_subcommand(
        "convert",
        "Convert a TorchScript archive into a Core ML model. The output format follows the "
        "extension: .mlpackage writes an ML Program, .mlmodel a neural network. Model inputs "
        "are named after the forward() parameters; the output is named 'output' (tuple "
        "outputs: output_0, output_1, ...).");
    app_->add_option("MODEL", archive_, "TorchScript archive written by torch.jit.save (.pt)")
        ->required()
        ->check(CLI::ExistingFile);
    app_->add_option("-o,--output", output_, "Output path: OUT.mlpackage or OUT.mlmodel")
        ->required()
        ->type_name("PATH");
    app_->add_option("--input", specs_,
                     std::string("Shape (and dtype) of a forward() input as [NAME:]DIMS[:DTYPE], "
                                 "e.g. 1x3x64x64 or x:1x3x64x64:float32. Repeat once per input; "
                                 "without NAME the specs bind to the forward() parameters in "
                                 "order. DTYPE: ") +
                         kSpecDtypes)
        ->type_name("SPEC")
        ->allow_extra_args(false);
    app_->add_option("--precision", precision_,
                     "Compute/weight precision: fp16 or fp32 (default: fp16 for .mlpackage, fp32 "
                     "for .mlmodel)")
        ->type_name("PRECISION")
        ->check(CLI::IsMember({"fp32", "fp16"}));
    app_->footer(
        "Examples:\n"
        "  ts2coreml convert model.pt -o model.mlpackage --input 1x3x64x64\n"
        "  ts2coreml convert model.pt -o model.mlmodel --input x:1x3x64x64 --input n:1:int64\n"
        "A conversion writes a temporary sibling and renames it into place: on failure nothing "
        "is left at the output path.");
  }

  CLI::App* subcommand() const override { return app_; }

  int run() override {
    ConvertOptions options;
    options.format = formatForPath(output_);
    for (const std::string& text : specs_) options.inputs.push_back(parseInputSpec(text));
    if (options.inputs.empty()) {
      throw Error(
          "missing --input: give the shape of each forward() input in order, e.g. --input "
          "1x3x64x64 ('ts2coreml inspect " +
          archive_ + "' lists the inputs)");
    }
    if (precision_ == "fp16") options.precision = Precision::Float16;
    if (precision_ == "fp32") options.precision = Precision::Float32;
    Precision effective = options.precision.value_or(
        options.format == ModelFormat::MLProgram ? Precision::Float16 : Precision::Float32);

    ConversionReport report = convertFile(archive_, output_, options);
    for (const std::string& warning : report.warnings) {
      std::cerr << "warning: " << warning << "\n";
    }

    std::string details =
        options.format == ModelFormat::MLProgram ? "ML Program" : "neural network";
    details += effective == Precision::Float16 ? ", fp16" : ", fp32";
    if (auto version = readSpecificationVersion(output_)) {
      details += ", spec " + std::to_string(*version);
    }
    std::cout << "wrote " << withoutTrailingSlashes(output_) << " (" << details << ")" << std::endl;
    return 0;
  }

 private:
  CLI::App* app_ = nullptr;
  std::string archive_;
  std::string output_;
  std::vector<std::string> specs_;
  std::string precision_;
};

}  // namespace

std::unique_ptr<Command> makeConvertCommand(CLI::App& parent) {
  return std::make_unique<ConvertCommand>(parent);
}

}  // namespace ts2coreml::cli
