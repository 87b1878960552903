// The IR text form, used by `ts2coreml inspect --ir`, golden tests and error messages.
#pragma once

#include <string>

#include "ir/graph.h"

namespace ts2coreml::ir {

struct PrintOptions {
  // Every attribute in full, tensors with their elements (`Tensor<float32 2>{1., 2.}`): the form
  // parseGraph (ir/parser.h) reads back. Off: long attributes are cut and tensors show their type.
  bool parseable = false;
};

// Prints the graph; renumbers values first so ids are dense and in program order.
std::string printGraph(Graph& graph, const PrintOptions& options = {});

}  // namespace ts2coreml::ir
