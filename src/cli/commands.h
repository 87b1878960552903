// The subcommands of the ts2coreml executable. Each registers its options on the top-level
// CLI11 app; main() parses once and runs the one that was selected.
#pragma once

#include <memory>

namespace CLI {
class App;
}

namespace ts2coreml::cli {

class Command {
 public:
  virtual ~Command() = default;
  // The CLI11 subcommand this object registered.
  virtual CLI::App* subcommand() const = 0;
  // Runs after a successful parse. Throws ts2coreml::Error (or another std::exception) with a
  // one-line message; returns the process exit code otherwise.
  virtual int run() = 0;
};

// ts2coreml convert MODEL.pt -o OUT.mlpackage|OUT.mlmodel --input SPEC... [--precision P]
std::unique_ptr<Command> makeConvertCommand(CLI::App& parent);
// ts2coreml run MODEL.mlpackage|MODEL.mlmodel --input [NAME=]FILE.npy... --output-dir DIR
std::unique_ptr<Command> makeRunCommand(CLI::App& parent);
// ts2coreml inspect MODEL.pt|MODEL.mlpackage|MODEL.mlmodel [--ir] [--input SPEC]...
std::unique_ptr<Command> makeInspectCommand(CLI::App& parent);

}  // namespace ts2coreml::cli
