// Public C++ API: run a saved Core ML model (.mlpackage or .mlmodel) on the CPU with the
// reference runtime. The runtime reads only what is on disk, never the converter's state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime {

struct FeatureInfo {
  std::string name;
  DType dtype = DType::Float32;
  Shape shape;  // as declared in the model description (-1 for unknown dims)
  // For an image input: "RGB", "BGR" or "GRAYSCALE"; the input is then given as pixels of shape
  // height x width x 3 (RGB order) or height x width. Empty for multi-arrays.
  std::string colorSpace;
};

// Every loop the runtime runs (an ML Program's while_loop, a neural network's loop layer) is
// stopped with an error naming it after this many iterations: a corrupted model (one renamed
// blob) would otherwise loop forever. One million is far above what a real model's loop runs
// (sequence lengths, iterative refinements) and stops a runaway small body within seconds.
constexpr uint64_t kDefaultMaxLoopIterations = 1'000'000;

// The cap for the loops run from now on, process-wide (`ts2coreml run --max-loop-iterations`).
void setMaxLoopIterations(uint64_t iterations);
// The cap in force on this thread: its LoopIterationCapScope's, else the process-wide one.
uint64_t maxLoopIterations();

// Sets the cap for the loops this thread runs while the scope lives (one predict call of the
// Python API, `predict(..., max_loop_iterations=N)`), without changing it for other threads:
// several models may run in parallel, each with its own cap. Scopes nest.
class LoopIterationCapScope {
 public:
  explicit LoopIterationCapScope(uint64_t iterations);
  ~LoopIterationCapScope();
  LoopIterationCapScope(const LoopIterationCapScope&) = delete;
  LoopIterationCapScope& operator=(const LoopIterationCapScope&) = delete;

 private:
  uint64_t previous_;
};

class Model {
 public:
  virtual ~Model() = default;
  // Opens `path` (.mlpackage directory or .mlmodel file); throws ts2coreml::Error.
  static std::unique_ptr<Model> load(const std::string& path);

  virtual const std::vector<FeatureInfo>& inputs() const = 0;
  virtual const std::vector<FeatureInfo>& outputs() const = 0;
  // Runs the model. Inputs of another numeric dtype than declared are cast; a wrong shape is an
  // error. Returns one tensor per declared output.
  virtual std::map<std::string, Tensor> predict(const std::map<std::string, Tensor>& inputs) = 0;
  // Summary used by `inspect`: spec version, kind, inputs/outputs, op or layer counts,
  // control-flow ops.
  virtual std::string summary() const = 0;
};

}  // namespace ts2coreml::runtime
