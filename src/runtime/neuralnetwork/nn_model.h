// The neural network (.mlmodel "neuralNetwork") side of the reference runtime.
#pragma once

#include <memory>
#include <string>

#include "coreml/proto/Model.pb.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::runtime {

// A runtime::Model executing `spec.neuralNetwork()` layer by layer on the CPU. `path` is only
// used in messages. Checks the network statically first (every layer known, blobs defined
// before use, only copy layers overwrite) and throws Error naming the layer otherwise.
std::unique_ptr<Model> makeNeuralNetworkModel(CoreML::Specification::Model spec,
                                              const std::string& path);

}  // namespace ts2coreml::runtime
