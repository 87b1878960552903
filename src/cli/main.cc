// ts2coreml: convert TorchScript archives to Core ML models, run and inspect them.
// Every failure ends as exactly one line `error: <message>` on stderr and a non-zero exit code.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

// Messages from libraries may hold newlines (CLI11 lists, system errors); the contract is one
// line, so they are joined.
std::string oneLine(const std::string& message) {
  std::string line;
  for (char c : message) {
    if (c == '\n' || c == '\r') {
      if (!line.empty() && line.back() != ' ') line += "; ";
    } else {
      line += c;
    }
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == ';')) line.pop_back();
  return line;
}

int printError(const std::string& message, int exitCode) {
  std::cerr << "error: " << oneLine(message) << std::endl;
  return exitCode;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ts2coreml converts TorchScript archives (torch.jit.save) into Core ML models, keeping "
      "data-dependent control flow, and runs Core ML models on the CPU with its reference "
      "runtime.",
      "ts2coreml"};
  app.set_version_flag("--version", std::string("ts2coreml ") + TS2COREML_VERSION,
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer("Run 'ts2coreml <command> --help' for the options of a command.");

  std::vector<std::unique_ptr<ts2coreml::cli::Command>> commands;
  commands.push_back(ts2coreml::cli::makeConvertCommand(app));
  commands.push_back(ts2coreml::cli::makeRunCommand(app));
  commands.push_back(ts2coreml::cli::makeInspectCommand(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports a missing subcommand before an unknown first word; name the word instead.
    if (argc > 1 && app.get_subcommands().empty()) {
      std::string first = argv[1];
      std::string what = first[0] == '-' ? "unknown option '" : "unknown command '";
      return printError(
          what + first + "' (commands: convert, run, inspect; see 'ts2coreml --help')", kExitUsage);
    }
    std::string helpCommand = "ts2coreml";
    for (const CLI::App* sub : app.get_subcommands()) helpCommand += " " + sub->get_name();
    return printError(std::string(e.what()) + " (see '" + helpCommand + " --help')", kExitUsage);
  }

  for (const auto& command : commands) {
    if (!command->subcommand()->parsed()) continue;
    try {
      return command->run();
    } catch (const ts2coreml::Error& e) {
      return printError(e.what(), kExitError);
    } catch (const std::exception& e) {
      return printError(e.what(), kExitError);
    }
  }
  return printError("no command given (see 'ts2coreml --help')", kExitUsage);
}
