// Checks run after every pass in debug builds, when TS2COREML_VERIFY_EACH_PASS is set, and by
// tests: every use is defined before it in an enclosing scope, control-flow nodes have the right
// block shapes, MIL ops match their row of the op table.
#pragma once

#include "ir/graph.h"

namespace ts2coreml::ir {

// Throws ts2coreml::Error describing the first violation (with the pass name as context).
void verifyGraph(const Graph& graph, const std::string& context);

// Checks every mil.* node against its row of the op table (ir/mil_ops.def): a known op, input
// names that are its parameters, no required parameter missing, constants where the op needs
// them. Throws ts2coreml::Error for the first violation (mil_signature_verifier.cc).
void verifyMilOpSignatures(const Graph& graph, const std::string& context);

}  // namespace ts2coreml::ir
