// Small MIL-level graphs for the cleanup tests, and running them: a graph is written as an ML
// Program (or a neural network) into a temporary directory and run by the reference runtime.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "backends/mlprogram/mlprogram_backend.h"
#include "backends/neuralnetwork/neuralnetwork_backend.h"
#include "coreml/atomic_output.h"
#include "ir/graph.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::passes::testing {

inline ir::TypePtr tensorType(DType dtype, Shape shape) {
  return ir::Type::tensor(dtype, std::move(shape));
}

inline ir::Value* constant(ir::Block* block, const Tensor& tensor,
                           std::optional<DType> declared = std::nullopt) {
  ir::Node* node = block->appendNode("mil.const");
  node->setAttribute("val", IValue(tensor));
  return node->addOutput(tensorType(declared.value_or(tensor.dtype()), tensor.shape()));
}

inline ir::Value* scalar(ir::Block* block, double value, DType dtype = DType::Float32) {
  return constant(block, Tensor::scalar(dtype, value));
}

inline ir::Value* text(ir::Block* block, const std::string& value) {
  ir::Node* node = block->appendNode("mil.const");
  node->setAttribute("val", IValue(value));
  return node->addOutput(ir::Type::strType());
}

inline ir::Value* ints(ir::Block* block, std::vector<int32_t> values) {
  Tensor t(DType::Int32, {static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) t.mutableData<int32_t>()[i] = values[i];
  return constant(block, t);
}

inline ir::Value* op(ir::Block* block, const std::string& kind,
                     std::vector<std::pair<std::string, ir::Value*>> inputs, ir::TypePtr type) {
  ir::Node* node = block->appendNode("mil." + kind);
  for (auto& [name, value] : inputs) node->addInput(value, name);
  return node->addOutput(std::move(type));
}

// Deterministic values in [lo, hi).
inline Tensor pseudoRandom(Shape shape, float lo, float hi, uint32_t seed) {
  Tensor t(DType::Float32, std::move(shape));
  uint32_t state = seed * 2654435761u + 12345u;
  for (int64_t i = 0; i < t.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    t.mutableData<float>()[i] =
        lo + (hi - lo) * static_cast<float>(state >> 8) / static_cast<float>(1u << 24);
  }
  return t;
}

// conv(x, weight [cout, cin, 3, 3], bias?) with padding 1, stride 1.
inline ir::Value* conv(ir::Block* block, ir::Value* x, int64_t cout, bool withBias, uint32_t seed) {
  const Shape& in = *x->type()->shape();
  std::vector<std::pair<std::string, ir::Value*>> inputs = {
      {"x", x}, {"weight", constant(block, pseudoRandom({cout, in[1], 3, 3}, -0.5f, 0.5f, seed))}};
  if (withBias) inputs.emplace_back("bias", constant(block, pseudoRandom({cout}, -1, 1, seed + 1)));
  inputs.insert(inputs.end(), {{"strides", ints(block, {1, 1})},
                               {"pad_type", text(block, "custom")},
                               {"pad", ints(block, {1, 1, 1, 1})},
                               {"dilations", ints(block, {1, 1})},
                               {"groups", scalar(block, 1, DType::Int32)}});
  return op(block, "conv", inputs, tensorType(DType::Float32, {in[0], cout, in[2], in[3]}));
}

// How many ops of each kind (without the "mil." prefix) the graph holds, nested blocks included.
inline std::map<std::string, int> opCounts(ir::Graph& graph) {
  std::map<std::string, int> counts;
  ir::forEachNode(graph.top(), [&](ir::Node* node) { ++counts[node->kind().substr(4)]; });
  return counts;
}

inline int count(ir::Graph& graph, const std::string& kind) {
  return opCounts(graph)[kind];
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("ts2coreml_cleanup_" + coreml::randomHex(8))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `graph` as `file` (.mlpackage: ML Program, .mlmodel: neural network) and runs it.
inline std::map<std::string, Tensor> run(const ir::Graph& graph, const std::string& file,
                                         const std::map<std::string, Tensor>& inputs) {
  TempDir dir;
  const std::string path = dir.file(file);
  if (file.ends_with(".mlpackage")) {
    backends::writeMLPackage(graph, path);
  } else {
    backends::writeNeuralNetwork(graph, path);
  }
  return runtime::Model::load(path)->predict(inputs);
}

// Every output of `actual` equals `expected` within `tolerance` relative to the output's peak.
inline void expectSameOutputs(const std::map<std::string, Tensor>& actual,
                              const std::map<std::string, Tensor>& expected, double tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [name, want] : expected) {
    SCOPED_TRACE("output " + name);
    const Tensor got = actual.at(name).to(DType::Float32).contiguous();
    const Tensor ref = want.to(DType::Float32).contiguous();
    ASSERT_EQ(got.shape(), ref.shape());
    double peak = 0;
    for (int64_t i = 0; i < ref.numel(); ++i)
      peak = std::max(peak, std::fabs(double{ref.data<float>()[i]}));
    ASSERT_GT(peak, 0.1) << "the reference is too small to compare";
    for (int64_t i = 0; i < ref.numel(); ++i) {
      ASSERT_NEAR(got.data<float>()[i], ref.data<float>()[i], tolerance * peak) << "element " << i;
    }
  }
}

}  // namespace ts2coreml::passes::testing
