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

int run(int argc, char** argv) {
  CLI::App app(
      "Parse IR text (the form `ts2coreml inspect --ir-after` prints), run passes on it in order "
      "(the verifier checks the graph after each one), and print the resulting IR.",
      "ts2coreml-opt");
  std::string file;
  std::string passList;
  std::string fp32Ops;
  bool listPasses = false;
  app.add_option("FILE", file, "IR text file ('-' reads stdin)");
  app.add_option("--passes", passList, "comma-separated pass names, run in that order")
      ->type_name("A,B,...");
  app.add_option("--fp32-ops", fp32Ops,
                 "for fp16-compute-precision: MIL op types kept in fp32 (e.g. softmax)")
      ->type_name("OPS");
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
  options.fp32Ops = splitCommas(fp32Ops);
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
