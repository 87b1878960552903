// Constant evaluation of a MIL-level program: every op whose inputs are all constants is run at
// conversion time by the reference runtime's kernel for that op and replaced by its result.
//
// Why here (src/api) and not in src/passes: the pass executes runtime kernels, and src/passes
// must not depend on src/runtime (the runtime is a backend-side consumer of Core ML files, the
// passes only know the IR). src/api is the one layer that links both the IR passes and the
// runtime, so the kernels are reused as they are instead of a second evaluator being written.
#pragma once

#include <cstdint>

#include "ir/graph.h"

namespace ts2coreml::api {

// The largest result one folded op may produce, in elements. 16 Mi elements is 64 MB of fp32:
// larger than any weight or mask the model families we convert compute from constants, while a
// constant that large (a 4096 x 4096 attention mask built from `ones`) is better computed by
// the device at load/run time than stored in the model file; above it the op stays in the
// program.
constexpr int64_t kMaxFoldedElements = int64_t{16} << 20;

// Replaces each op with all-constant inputs (and no nested blocks, not random) whose outputs
// have a known dtype and shape of at most kMaxFoldedElements elements by mil.const ops holding
// the runtime's results. Chains fold in one pass (program order). Returns how many ops it folded.
int evaluateConstantOps(ir::Graph& milGraph);

}  // namespace ts2coreml::api
