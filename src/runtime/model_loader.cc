// Model::load: opens what is on disk exactly as Core ML would and picks the interpreter.
#include <atomic>
#include <filesystem>

#include "core/error.h"
#include "coreml/mlpackage.h"
#include "coreml/model_file.h"
#include "runtime/mil/mlprogram_model.h"
#include "runtime/neuralnetwork/nn_model.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::runtime {

namespace {
std::atomic<uint64_t> loopIterationCap{kDefaultMaxLoopIterations};
// This thread's cap while a LoopIterationCapScope lives; 0 = none (a cap is at least 1).
thread_local uint64_t threadLoopIterationCap = 0;
}  // namespace

void setMaxLoopIterations(uint64_t iterations) {
  loopIterationCap = iterations;
}
uint64_t maxLoopIterations() {
  return threadLoopIterationCap ? threadLoopIterationCap : loopIterationCap.load();
}

LoopIterationCapScope::LoopIterationCapScope(uint64_t iterations)
    : previous_(threadLoopIterationCap) {
  if (iterations == 0) throw Error("the loop iteration limit must be at least 1");
  threadLoopIterationCap = iterations;
}
LoopIterationCapScope::~LoopIterationCapScope() {
  threadLoopIterationCap = previous_;
}

std::unique_ptr<Model> Model::load(const std::string& path) {
  namespace fs = std::filesystem;
  CoreML::Specification::Model spec;
  std::string weightsDir, packageRoot;
  if (fs::is_directory(path)) {
    packageRoot = path;
    coreml::PackageLayout layout = coreml::readPackage(path);
    spec = coreml::readModelFile(layout.modelFile);
    if (fs::is_directory(layout.weightsDir)) weightsDir = layout.weightsDir;
  } else {
    if (!fs::exists(path)) throw Error("model '" + path + "' does not exist");
    spec = coreml::readModelFile(path);
    fs::path sibling = fs::path(path).parent_path() / "weights";
    if (fs::is_directory(sibling)) weightsDir = sibling.string();
  }
  switch (spec.Type_case()) {
    case CoreML::Specification::Model::kMlProgram:
      return makeMLProgramModel(std::move(spec), path, weightsDir, packageRoot);
    case CoreML::Specification::Model::kNeuralNetwork:
      return makeNeuralNetworkModel(std::move(spec), path);
    default:
      throw Error("'" + path +
                  "' is a Core ML model of a kind the runtime does not run (model type field " +
                  std::to_string(static_cast<int>(spec.Type_case())) +
                  "); it runs ML programs and neural networks");
  }
}

}  // namespace ts2coreml::runtime
