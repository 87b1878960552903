// Describes a torch-level node for diagnostics with the operator schema it was bound to.
#pragma once

#include <string>

#include "ir/graph.h"

namespace ts2coreml::torchscript {

// "op aten::cumsum at model.py:12 (code/...: `...`), schema aten::cumsum(Tensor self, int dim,
// *, ScalarType? dtype=None) -> Tensor". The schema is the overload with as many arguments as
// the node has inputs (the compiler fills in every default); omitted when none matches.
std::string describeWithSchema(const ir::Node& node);

}  // namespace ts2coreml::torchscript
