// ts2coreml convert: TorchScript archive -> .mlpackage (ML Program) or .mlmodel (neural network).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/entry_point_options.h"
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
        "outputs: output_0, output_1, ..., flattened in order; dict outputs: named by key, "
        "with '_' and the index for the items of tuples inside, e.g. past_key_values_0_1).");
    app_->add_option("MODEL", archive_, "TorchScript archive written by torch.jit.save (.pt)")
        ->required()
        ->check(CLI::ExistingFile);
    app_->add_option("-o,--output", output_, "Output path: OUT.mlpackage or OUT.mlmodel")
        ->required()
        ->type_name("PATH");
    app_->add_option(
            "--input", specs_,
            std::string("Shape (and dtype) of a forward() input as [NAME:]DIMS[:DTYPE], "
                        "e.g. 1x3x64x64 or x:1x3x64x64:float32. Repeat once per input; "
                        "without NAME the specs bind to the forward() parameters in "
                        "order. A parameter that is no tensor is fixed at conversion "
                        "with NAME=VALUE (sr=16000, mode='fast', scale=0.5, flag=True, "
                        "mask=None), or is a run-time input of one element with "
                        "NAME:1 (int32 for an int or a bool, float32 for a float). Optional "
                        "parameters left out are None or their default. DTYPE: ") +
                kSpecDtypes)
        ->type_name("SPEC")
        ->allow_extra_args(false);
    app_->add_option("--precision", precision_,
                     "Compute/weight precision: fp16 or fp32 (default: fp16 for .mlpackage, fp32 "
                     "for .mlmodel)")
        ->type_name("PRECISION")
        ->check(CLI::IsMember({"fp32", "fp16"}));
    app_->add_option("--minimum-deployment-target", target_,
                     "Oldest OS the model must run on: iOS13..iOS18 (or macOS10_15..macOS15, "
                     "tvOS13..18, watchOS6..11). Default: iOS15 for .mlpackage (ML Programs need "
                     "iOS15+), iOS13 for .mlmodel (neural networks go up to iOS14). Sets the "
                     "specification version (iOS13 = 4 ... iOS18 = 9) and the MIL opset")
        ->type_name("TARGET");
    app_->add_option("--fp32-ops", fp32Ops_,
                     "MIL op types computed in fp32 in an fp16 ML Program, comma-separated (e.g. "
                     "softmax,layer_norm)")
        ->type_name("OPS")
        ->delimiter(',');
    app_->add_option(
            "--output-spec", outputSpecs_,
            "Name and/or dtype of a model output as [NAME][:DTYPE], once per output in "
            "order (e.g. probs or probs:float16 or :int32). DTYPE: float32, float16 "
            "(ML Program, iOS16+), int32. Default names: output, or output_0, output_1, ...")
        ->type_name("SPEC");
    app_->add_option("--image-scale", imageScales_,
                     "Scale of an image input's pixels: NAME=SCALE (value = SCALE * pixel + bias)")
        ->type_name("NAME=SCALE");
    app_->add_option("--image-bias", imageBiases_,
                     "Bias of an image input: NAME=B or NAME=B1,B2,B3 (one per channel in the "
                     "image's color order)")
        ->type_name("NAME=BIAS");
    addEntryPointOptions(*app_, entry_, "");
    app_->add_option("--author", metadata_.author, "Model metadata: author");
    app_->add_option("--license", metadata_.license, "Model metadata: license");
    app_->add_option("--short-description", metadata_.shortDescription,
                     "Model metadata: short description");
    app_->add_option("--version-string", metadata_.versionString, "Model metadata: version");
    app_->add_option("--metadata", userDefined_,
                     "A user-defined metadata entry KEY=VALUE (repeatable)")
        ->type_name("KEY=VALUE");
    app_->add_option("--description", descriptions_,
                     "Short description of an input or output feature: NAME=TEXT (repeatable)")
        ->type_name("NAME=TEXT");
    app_->footer(
        "Examples:\n"
        "  ts2coreml convert model.pt -o model.mlpackage --input 1x3x64x64\n"
        "  ts2coreml convert model.pt -o model.mlmodel --input x:1x3x64x64 --input n:1:int64\n"
        "  ts2coreml convert model.pt -o model.mlpackage --input 1x3x(64..512)x(64..512)\n"
        "  ts2coreml convert model.pt -o model.mlpackage --input 1x3x64x64,1x3x128x128\n"
        "  ts2coreml convert vad.pt -o vad.mlpackage --module _model --input x:1x512 "
        "--input sr=16000\n"
        "  ts2coreml convert model.pt -o model.mlpackage --input image:1x3x224x224:image-bgr \\\n"
        "      --image-scale image=0.0039 --minimum-deployment-target iOS17\n"
        "A conversion writes a temporary sibling and renames it into place: on failure nothing "
        "is left at the output path.");
  }

  CLI::App* subcommand() const override { return app_; }

  int run() override {
    ConvertOptions options;
    options.entry = entry_;
    options.format = formatForPath(output_);
    for (const std::string& text : specs_) options.inputs.push_back(parseInputSpec(text));
    if (options.inputs.empty()) {
      throw Error(
          "missing --input: give the shape of each forward() input in order, e.g. --input "
          "1x3x64x64 ('ts2coreml inspect " +
          archive_ + "' lists the inputs)");
    }
    applyImageOptions(options.inputs);
    for (const std::string& text : outputSpecs_) options.outputs.push_back(parseOutputSpec(text));
    if (!target_.empty()) {
      options.target = parseDeploymentTarget(target_);
      if (!options.target)
        throw Error("--minimum-deployment-target '" + target_ +
                    "': unknown target (expected iOS13 ... iOS18, macOS10_15 ... macOS15)");
    }
    options.fp32Ops = fp32Ops_;
    options.metadata = metadata_;
    for (const std::string& entry : userDefined_) {
      auto [key, value] = splitAssignment(entry, "--metadata");
      options.metadata.userDefined[key] = value;
    }
    applyDescriptions(options);
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
  // NAME=... entries of --image-scale/--image-bias go to the image input of that name.
  void applyImageOptions(std::vector<InputSpec>& inputs) const {
    auto imageNamed = [&](const std::string& name, const std::string& option) -> ImageInput& {
      for (InputSpec& spec : inputs) {
        if (spec.name == name && spec.image) return *spec.image;
      }
      throw Error(option + " '" + name +
                  "': no image input of that name (declare it with --input " + name +
                  ":1x3xHxW:image)");
    };
    for (const std::string& entry : imageScales_) {
      auto [name, value] = splitAssignment(entry, "--image-scale");
      imageNamed(name, "--image-scale").scale = parseFloat(value, "--image-scale '" + entry + "'");
    }
    for (const std::string& entry : imageBiases_) {
      auto [name, value] = splitAssignment(entry, "--image-bias");
      ImageInput& image = imageNamed(name, "--image-bias");
      image.bias.clear();
      size_t start = 0;
      while (true) {
        size_t comma = value.find(',', start);
        image.bias.push_back(
            parseFloat(value.substr(start, comma - start), "--image-bias '" + entry + "'"));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }

  // --description NAME=TEXT: an input spec of that name, else an output of that name.
  void applyDescriptions(ConvertOptions& options) const {
    for (const std::string& entry : descriptions_) {
      auto [name, text] = splitAssignment(entry, "--description");
      bool found = false;
      for (InputSpec& spec : options.inputs) {
        if (spec.name == name) {
          spec.description = text;
          found = true;
        }
      }
      for (size_t i = 0; !found && i < options.outputs.size(); ++i) {
        if (options.outputs[i].name == name) {
          options.outputs[i].description = text;
          found = true;
        }
      }
      std::string digits = name.rfind("output_", 0) == 0 ? name.substr(7) : "";
      bool defaultName =
          name == "output" || (!digits.empty() && digits.size() < 6 &&
                               digits.find_first_not_of("0123456789") == std::string::npos);
      if (!found && defaultName) {
        // A default output name: output (single) or output_<i>.
        size_t index = name == "output" ? 0 : std::stoul(digits);
        if (options.outputs.size() <= index) options.outputs.resize(index + 1);
        options.outputs[index].description = text;
        found = true;
      }
      if (!found)
        throw Error("--description '" + name + "': no named --input or --output-spec of that name");
    }
  }

  CLI::App* app_ = nullptr;
  std::string archive_;
  std::string output_;
  std::vector<std::string> specs_;
  std::string precision_;
  std::string target_;
  std::vector<std::string> fp32Ops_;
  std::vector<std::string> outputSpecs_;
  std::vector<std::string> imageScales_;
  std::vector<std::string> imageBiases_;
  ModelMetadata metadata_;
  std::vector<std::string> userDefined_;
  std::vector<std::string> descriptions_;
  EntryPoint entry_;
};

}  // namespace

std::unique_ptr<Command> makeConvertCommand(CLI::App& parent) {
  return std::make_unique<ConvertCommand>(parent);
}

}  // namespace ts2coreml::cli
