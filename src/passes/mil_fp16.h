#pragma once

#include "ir/graph.h"

namespace ts2coreml::passes {

// fp16 compute precision for an ML Program, as coremltools does by default: fp32 inputs are cast
// to fp16 at the start, every fp32 value inside becomes fp16 (weights are written as fp16), and
// fp16 outputs are cast back to fp32 so the model's interface stays fp32.
void applyFp16ComputePrecision(ir::Graph& milGraph);

}  // namespace ts2coreml::passes
