#include "cli/entry_point_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>

#include "cli/input_spec.h"

namespace ts2coreml::cli {

namespace {

// "a.b.0": identifiers or child indices joined by '.'; CLI11 reports the returned text as the
// error.
std::string checkModulePath(const std::string& path) {
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    // nn.Sequential and nn.ModuleList name their children 0, 1, ...
    const bool index = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    if (!isIdentifier(part) && !index)
      return "'" + path + "' is not a dotted path of submodule names (e.g. encoder.layer)";
    if (dot == std::string::npos) return "";
    start = dot + 1;
  }
}

std::string checkMethodName(const std::string& name) {
  return isIdentifier(name) ? "" : "'" + name + "' is not a method name";
}

}  // namespace

void addEntryPointOptions(CLI::App& app, EntryPoint& entry, const std::string& prefix) {
  app.add_option("--module", entry.modulePath,
                 prefix +
                     "Convert a submodule instead of the whole model: its attribute path from "
                     "the root module, e.g. _model or encoder.layer (default: the root)")
      ->type_name("PATH")
      ->check(CLI::Validator(checkModulePath, "PATH"));
  app.add_option("--method", entry.method,
                 prefix + "Convert this method of the module instead of forward")
      ->type_name("NAME")
      ->check(CLI::Validator(checkMethodName, "NAME"));
}

}  // namespace ts2coreml::cli
