// The IR text form, used by `ts2coreml inspect --ir`, golden tests and error messages.
#pragma once

#include <string>

#include "ir/graph.h"

namespace ts2coreml::ir {

// Prints the graph; renumbers values first so ids are dense and in program order.
std::string printGraph(Graph& graph);

}  // namespace ts2coreml::ir
