// MIL-level IR -> legacy Core ML neural network (.mlmodel). Control flow becomes branch / loop
// layers; loop-carried values live in blobs that copy layers overwrite (the only layer allowed to).
#pragma once

#include <string>

#include "backends/mlprogram/mlprogram_backend.h"
#include "coreml/proto/Model.pb.h"
#include "ir/graph.h"

namespace ts2coreml::backends {

struct NeuralNetworkOptions {
  // 4 (iOS 13) is the first version with control-flow and ND layers; lower values are raised
  // to 4. Every layer the writer emits exists in version 4.
  int specificationVersion = 4;
  // Store weights as IEEE half (WeightParams.float16Value) instead of fp32.
  bool fp16Weights = false;
  // Model metadata, the same struct the ML Program writer takes (ts2coreml.version /
  // ts2coreml.source are added to userDefined unless given there).
  MLProgramMetadata metadata;
  // Flexible shapes, image inputs (with their scale/bias as NeuralNetworkPreprocessing) and
  // feature descriptions.
  ModelInterface interface;
  // A .mlmodel is one protobuf message, which protobuf cannot read past 2 GB: bigger models are
  // refused (tests lower the limit).
  uint64_t maxFileBytes = (uint64_t{1} << 31) - 1;
};

// Builds the Model message for `milGraph` (mil.* ops, inputs with known tensor types, outputs
// named by milGraph.outputNames()). Throws ts2coreml::Error naming the op it cannot lower.
CoreML::Specification::Model buildNeuralNetworkSpec(const ir::Graph& milGraph,
                                                    const NeuralNetworkOptions& options);

// buildNeuralNetworkSpec + an atomic write of the .mlmodel file at `path` (a failure leaves no
// file behind).
void writeNeuralNetwork(const ir::Graph& milGraph, const std::string& path,
                        const NeuralNetworkOptions& options = {});

}  // namespace ts2coreml::backends
