// Binding a call to an operator schema: overload resolution by argument types, omitted trailing
// arguments filled from schema defaults, operator upgraders for old archives, and the declared
// output types.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "torchscript/compiler/graph_emitter.h"

namespace ts2coreml::torchscript {

struct BoundOperator {
  std::string kind;                // e.g. "aten::relu" (in-place ops name their functional form)
  std::vector<ir::Value*> inputs;  // one per schema argument, defaults materialised
  std::vector<ir::TypePtr> outputTypes;  // declared by the schema
  bool inPlace = false;                  // the op mutated its first argument (`relu_`, `add_`)
  // From the schema's alias annotations: the inputs the op writes (`Tensor(a!)`, out=), and for
  // each output the input it shares storage with (`Tensor(a)` on both: a view), or -1.
  std::vector<size_t> writtenInputs;
  std::vector<int> outputAliasOf;
};

// Throws Error naming the op, the argument types and the candidate schemas when nothing matches.
BoundOperator bindOperator(const std::string& name, std::vector<ir::Value*> positional,
                           std::vector<std::pair<std::string, ir::Value*>> keywords,
                           int64_t archiveVersion, GraphEmitter& emitter);

}  // namespace ts2coreml::torchscript
