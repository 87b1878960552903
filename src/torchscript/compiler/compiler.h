// TorchScript archive -> torch-level IR. Calls to submodules and archive functions are inlined,
// module attributes are frozen into constants, and everything that depends only on the module and
// the declared input shapes is folded while the code is compiled; what depends on tensor values
// stays prim::If / prim::Loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "archive/torchscript_archive.h"
#include "ir/graph.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::torchscript {

struct CompileResult {
  std::unique_ptr<ir::Graph> graph;
  std::vector<std::string> warnings;
  // For each graph input, the index of the InputSpec bound to it (-1: none).
  std::vector<int> inputSpecIndex;
  // The default Core ML name of each graph output (see emit_outputs.cc).
  std::vector<std::string> outputNames;
};

// The forward() parameters (without self) as written in the archive: name and annotation text.
struct ForwardParameter {
  std::string name;
  std::string type;
  bool hasDefault = false;
};
std::vector<ForwardParameter> forwardParameters(const archive::TorchScriptArchive& archive,
                                                const EntryPoint& entry = {});

// Compiles the entry point (the root module's forward() by default) for the given input specs
// (bound by name, or by position when a spec has no name). A parameter without a spec takes its
// default value, or None when it is Optional; otherwise it is an error, unless
// `allowUnknownShapes` (used by `inspect`) makes it a tensor of unknown shape.
// Throws Error with the source location on failure.
CompileResult compileForward(const archive::TorchScriptArchive& archive,
                             const std::vector<InputSpec>& inputs, bool allowUnknownShapes = false,
                             const EntryPoint& entry = {});

}  // namespace ts2coreml::torchscript
