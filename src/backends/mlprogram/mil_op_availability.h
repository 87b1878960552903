// Which MIL ops each ML Program opset has (the opset column of the op table, ir/mil_ops.def):
// ops added after iOS15 may only be written for a deployment target that has them.
#pragma once

#include <string>

#include "ir/graph.h"

namespace ts2coreml::backends {

// The first specification version whose opset has `milOp` (without the "mil." prefix): 6
// (iOS15, CoreML5) for the ops of the first opset. Throws Error (an internal error) for an op
// the table does not have.
int firstSpecificationVersionOf(const std::string& milOp);

// Throws Error naming the first op of `milGraph` (with its source location) that the opset of
// `specificationVersion` lacks, and the target that has it.
void checkOpsAvailable(const ir::Graph& milGraph, int specificationVersion);

}  // namespace ts2coreml::backends
