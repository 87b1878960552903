// ts2coreml-opt: runs named passes on IR text and prints the result, so that a pass can be run,
// read and tested on its own (tests/fixtures/ir/<pass>/*.ir).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/error.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "lower/aten_op_table.h"
#include "passes/pass_manager.h"

namespace {

std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// "0:0.5:-1,-1,-1": graph input 0, scale 0.5, one bias per channel.
std::pair<size_t, ts2coreml::ImageInput> parseImage(const std::string& spec) {
  size_t first = spec.find(':');
  size_t second = first == std::string::npos ? first : spec.find(':', first + 1);
  if (second == std::string::npos)
    throw ts2coreml::Error("--image '" + spec + "': expected INDEX:SCALE:BIAS[,BIAS,BIAS]");
  ts2coreml::ImageInput image;
  try {
    image.scale = std::stof(spec.substr(first + 1, second - first - 1));
    for (const std::string& bias : splitCommas(spec.substr(second + 1)))
      image.bias.push_back(std::stof(bias));
    return {std::stoul(spec.substr(0, first)), image};
  } catch (const std::logic_error&) {
    throw ts2coreml::Error("--image '" + spec + "': expected numbers");
  }
}

int run(int argc, char** argv) {
  CLI::App app(
      "Parse IR text (the form `ts2coreml inspect --ir-after` prints), run passes on it in order "
      "(the verifier checks the graph after each one), and print the resulting IR.",
      "ts2coreml-opt");
  std::string file;
  std::string passList;
  std::string fp32Ops;
  std::string outputDtypes;
  std::vector<std::string> images;
  bool listPasses = false;
  app.add_option("FILE", file, "IR text file ('-' reads stdin)");
  app.add_option("--passes", passList, "comma-separated pass names, run in that order")
      ->type_name("A,B,...");
  app.add_option("--fp32-ops", fp32Ops,
                 "for fp16-compute-precision: MIL op types kept in fp32 (e.g. softmax)")
      ->type_name("OPS");
  app.add_option("--output-dtypes", outputDtypes,
                 "for cast-outputs: the dtype of each output in order (float32, float16, int32; "
                 "'-' keeps one)")
      ->type_name("DTYPES");
  app.add_option("--image", images,
                 "for add-image-preprocessing: graph input INDEX is an image with value = SCALE * "
                 "pixel + BIAS[channel] (repeatable)")
      ->type_name("INDEX:SCALE:B[,B,B]");
  app.add_flag("--list-passes", listPasses, "print every pass with its summary and exit");
  CLI11_PARSE(app, argc, argv);

  using namespace ts2coreml;
  if (listPasses) {
    for (const passes::Pass& pass : passes::registeredPasses())
      std::cout << pass.name << "  " << pass.summary << "\n";
    return 0;
  }
  if (file.empty()) throw Error("FILE is required (see --help)");
  std::vector<std::string> names = splitCommas(passList);
  for (const std::string& name : names) passes::findPass(name);  // fail before reading

  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) throw Error("cannot read '" + file + "'");
    text << in.rdbuf();
  }
  std::unique_ptr<ir::Graph> graph = ir::parseGraph(text.str(), file);
  ir::verifyGraph(*graph, file);
  passes::PassOptions options;
  lower::useOpTable(options);  // its side-effects column and its folds
  options.fp32Ops = splitCommas(fp32Ops);
  for (const std::string& name : splitCommas(outputDtypes)) {
    std::optional<DType> dtype = name == "-" ? std::nullopt : dtypeFromName(name);
    if (name != "-" && !dtype) throw Error("--output-dtypes: unknown dtype '" + name + "'");
    options.outputDtypes.push_back(dtype);
  }
  for (const std::string& spec : images) options.imageInputs.push_back(parseImage(spec));
  passes::PassManager manager(options, /*verifyEachPass=*/true);
  for (const std::string& name : names) manager.runPass(*graph, name);
  std::cout << ir::printGraph(*graph, {.parseable = true});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
}
