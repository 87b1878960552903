#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace ts2coreml::passes {

// fp16 compute precision for an ML Program, as coremltools does by default: fp32 inputs are cast
// to fp16 at the start, every fp32 value inside becomes fp16 (weights are written as fp16), and
// fp16 outputs are cast back to fp32 so the model's interface stays fp32.
// Ops whose MIL type is in `fp32OpTypes` (e.g. "softmax") stay fp32: their fp16 inputs are cast
// up, their outputs cast back down, and constants only they read keep fp32 data. Only ops whose
// fp16 column in ir/mil_ops.def is FP16 can be kept; the others (const, cast, cond, while_loop)
// are converted as usual.
void applyFp16ComputePrecision(ir::Graph& milGraph,
                               const std::vector<std::string>& fp32OpTypes = {});

}  // namespace ts2coreml::passes
