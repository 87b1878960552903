// ts2coreml inspect: a readable summary of a TorchScript archive (forward() signature, ops,
// control flow, optionally the compiled IR) or of a Core ML model (spec version, kind,
// inputs/outputs, op or layer counts, control-flow ops).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "api/pass_inspection.h"
#include "cli/commands.h"
#include "cli/entry_point_options.h"
#include "cli/input_spec.h"
#include "cli/model_paths.h"
#include "core/error.h"
#include "ts2coreml/convert.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::cli {

namespace {

class InspectCommand : public Command {
 public:
  explicit InspectCommand(CLI::App& parent) {
    app_ = parent.add_subcommand(
        "inspect",
        "Summarize a TorchScript archive (forward() inputs, op counts, control flow) or a Core "
        "ML model (specification version, kind, inputs/outputs, op or layer counts, control-flow "
        "ops).");
    app_->add_option("MODEL", model_, "MODEL.pt, MODEL.mlpackage or MODEL.mlmodel")
        ->required()
        ->check(CLI::ExistingPath);
    app_->add_flag("--ir", withIr_,
                   "TorchScript archives only: also print the compiled IR (statically folded when "
                   "--input shapes are given)");
    app_->add_flag("--passes", withPasses_,
                   "TorchScript archives only: print the pass pipelines of an ML Program "
                   "conversion (fp16) in order, instead of the summary");
    app_->add_option("--ir-after", irAfter_,
                     "TorchScript archives only: print the IR after every run of pass NAME in "
                     "those pipelines (see --passes), instead of the summary")
        ->type_name("NAME");
    app_->add_option("--input", specs_,
                     std::string("TorchScript archives only: input shape as [NAME:]DIMS[:DTYPE], "
                                 "or NAME=VALUE, as for convert. DTYPE: ") +
                         kSpecDtypes)
        ->type_name("SPEC")
        ->allow_extra_args(false);
    addEntryPointOptions(*app_, entry_, "TorchScript archives only: ");
    app_->footer(
        "Examples:\n"
        "  ts2coreml inspect model.pt --ir --input 1x3x64x64\n"
        "  ts2coreml inspect model.pt --input 1x3x64x64 --passes\n"
        "  ts2coreml inspect model.pt --input 1x3x64x64 --ir-after fuse-batch-norm\n"
        "  ts2coreml inspect model.mlpackage");
  }

  CLI::App* subcommand() const override { return app_; }

  int run() override {
    std::vector<InputSpec> inputs;
    for (const std::string& text : specs_) inputs.push_back(parseInputSpec(text));

    std::string summary;
    if (isCoreMLModelPath(model_)) {
      if (withIr_ || !inputs.empty() || !entry_.modulePath.empty() || entry_.method != "forward") {
        throw Error("--ir, --input, --module and --method apply to TorchScript archives; '" +
                    model_ + "' is a Core ML model");
      }
      if (withPasses_ || !irAfter_.empty()) {
        throw Error("--passes and --ir-after apply to TorchScript archives; '" + model_ +
                    "' is a Core ML model");
      }
      summary = runtime::Model::load(model_)->summary();
    } else if (withPasses_ || !irAfter_.empty()) {
      if (withPasses_) summary = api::describeConversionPipelines();
      if (!irAfter_.empty()) summary += api::irAfterPass(model_, inputs, irAfter_, entry_);
    } else {
      summary = inspectArchive(model_, inputs, withIr_, entry_);
    }
    std::cout << summary;
    if (summary.empty() || summary.back() != '\n') std::cout << '\n';
    std::cout.flush();
    return 0;
  }

 private:
  CLI::App* app_ = nullptr;
  std::string model_;
  bool withIr_ = false;
  bool withPasses_ = false;
  std::string irAfter_;
  std::vector<std::string> specs_;
  EntryPoint entry_;
};

}  // namespace

std::unique_ptr<Command> makeInspectCommand(CLI::App& parent) {
  return std::make_unique<InspectCommand>(parent);
}

}  // namespace ts2coreml::cli
