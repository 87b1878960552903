// Torch-level constants as the compiler lays them out: prim::Constant nodes with a "value"
// attribute, all at the start of the top block (visible in every nested block). The compiler, the
// lowering and the fold-constants pass read and make them through these two functions.
#pragma once

#include <optional>

#include "core/ivalue.h"
#include "ir/graph.h"

namespace ts2coreml::passes {

// The value of `v` when a prim::Constant produces it.
std::optional<IValue> constantValueOf(const ir::Value* v);
// A new prim::Constant of `value` at the start of the graph's top block; its output.
ir::Value* addConstantAtTop(ir::Graph& graph, const IValue& value);

}  // namespace ts2coreml::passes
