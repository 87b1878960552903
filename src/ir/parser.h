// Reads the IR text form back into a graph: what printGraph writes with `parseable` set (tensor
// attributes with their elements). Lines starting with `//` are comments (golden tests keep their
// CHECK lines there).
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"

namespace ts2coreml::ir {

// Throws ts2coreml::Error naming `sourceName`, the line and what was expected.
std::unique_ptr<Graph> parseGraph(const std::string& text, const std::string& sourceName);

}  // namespace ts2coreml::ir
