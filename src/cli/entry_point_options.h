// --module and --method of convert and inspect: which method of which submodule is converted.
#pragma once

#include <string>

#include "ts2coreml/convert.h"

namespace CLI {
class App;
}

namespace ts2coreml::cli {

// Registers --module PATH and --method NAME on `app`, filling `entry`; `prefix` starts each help
// text (e.g. "TorchScript archives only: ").
void addEntryPointOptions(CLI::App& app, EntryPoint& entry, const std::string& prefix);

}  // namespace ts2coreml::cli
