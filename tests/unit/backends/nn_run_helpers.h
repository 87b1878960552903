// Runs a MIL graph the way users get it: writeNeuralNetwork to a temporary .mlmodel, read it back
// from disk, execute it with the neural network runtime.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "coreml/model_file.h"
#include "nn_test_files.h"
#include "runtime/neuralnetwork/nn_model.h"

namespace ts2coreml::testing {

inline std::map<std::string, Tensor> runThroughFile(
    const ir::Graph& graph, const std::map<std::string, Tensor>& inputs,
    const std::string& artifactName = {}, const backends::NeuralNetworkOptions& options = {}) {
  NNTempDir dir;
  std::string path = dir.file("model.mlmodel");
  backends::writeNeuralNetwork(graph, path, options);
  if (!artifactName.empty()) keepArtifact(path, artifactName);
  auto model = runtime::makeNeuralNetworkModel(coreml::readModel(path), path);
  return model->predict(inputs);
}

// fp32 tolerance of the project: 1e-4 + 1e-3 * max|reference|.
inline void expectClose(const Tensor& actual, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.numel(), expected.numel())
      << what << ": " << shapeToString(actual.shape()) << " vs " << shapeToString(expected.shape());
  double scale = 0.0, worst = 0.0;
  for (int64_t i = 0; i < expected.numel(); ++i)
    scale = std::max(scale, std::fabs(expected.elementAsDouble(i)));
  for (int64_t i = 0; i < expected.numel(); ++i) {
    worst = std::max(worst, std::fabs(actual.elementAsDouble(i) - expected.elementAsDouble(i)));
  }
  EXPECT_LE(worst, 1e-4 + 1e-3 * scale) << what;
}

}  // namespace ts2coreml::testing
