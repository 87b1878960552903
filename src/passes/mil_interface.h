// Adapts a MIL program's interface to what the user asked for: image inputs get their scale and
// bias as ops at the start (ML programs have no preprocessing message), outputs are cast to the
// requested dtypes.
#pragma once

#include <vector>

#include "ir/graph.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::passes {

// value = scale * pixel + bias[channel] for graph input `inputIndex` (fp32, [1, C, H, W]).
void addImagePreprocessing(ir::Graph& milGraph, size_t inputIndex, const ImageInput& image);

// Casts graph output i to dtypes[i] where given and different.
void castOutputs(ir::Graph& milGraph, const std::vector<std::optional<DType>>& dtypes);

}  // namespace ts2coreml::passes
