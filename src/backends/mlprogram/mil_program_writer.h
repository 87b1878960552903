// MIL-level IR graph -> MILSpec.Program: one function "main" whose inputs are the graph inputs,
// one block specialization keyed by the opset, ops with name bindings and a "name" attribute,
// consts with "val" (immediate or in weight.bin), and nested blocks for cond / while_loop.
#pragma once

#include <string>

#include "backends/mlprogram/mil_names.h"
#include "coreml/proto/MIL.pb.h"
#include "coreml/weight_blob_writer.h"
#include "ir/graph.h"

namespace ts2coreml::backends {

CoreML::Specification::MILSpec::Program buildMilProgram(const ir::Graph& graph,
                                                        const MilNamer& names,
                                                        const std::string& opset,
                                                        coreml::WeightBlobWriter& weights);

}  // namespace ts2coreml::backends
