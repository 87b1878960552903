// What the two Core ML model targets do with a model folder or file on disk: load it as
// `ts2coreml run` / `inspect` do, then, when its inputs are small multi-arrays of known shape,
// run it once on zeros.
#pragma once

#include <map>
#include <string>

#include "core/error.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::fuzz {

// Bounds that keep one execution in milliseconds: a corrupted loop condition runs into the loop
// cap (an Error), large declared inputs are not run at all. The cap is low because a loop whose
// body concatenates onto a carried value grows it every iteration: the runtime has no memory
// budget for values, only the iteration cap (docs/fuzzing.md, "Known limits").
constexpr uint64_t kFuzzLoopIterations = 256;
constexpr int64_t kMaxInputElements = 4096;

inline void loadAndRun(const std::string& path) {
  runtime::setMaxLoopIterations(kFuzzLoopIterations);
  try {
    auto model = runtime::Model::load(path);
    model->summary();
    std::map<std::string, Tensor> inputs;
    for (const runtime::FeatureInfo& input : model->inputs()) {
      if (!input.colorSpace.empty()) return;
      int64_t numel = 1;
      for (int64_t dim : input.shape) {
        if (dim < 0 || dim > kMaxInputElements) return;
        numel *= dim;
        if (numel > kMaxInputElements) return;
      }
      inputs.emplace(input.name, Tensor(input.dtype, input.shape));
    }
    model->predict(inputs);
  } catch (const Error&) {
  }
}

}  // namespace ts2coreml::fuzz
