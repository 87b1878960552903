// Helpers for the neural network backend tests: building small MIL-level graphs by hand (the
// lower module is not linked into these tests) and deterministic test data.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "ir/graph.h"

namespace ts2coreml::testing {

inline ir::TypePtr tensorType(DType dtype, Shape shape) {
  return ir::Type::tensor(dtype, std::move(shape));
}

// Appends a MIL op ("mil.<op>") with named inputs and one output per type to `block`.
inline ir::Node* milOp(ir::Block* block, const std::string& op,
                       std::vector<std::pair<std::string, ir::Value*>> inputs,
                       std::vector<ir::TypePtr> outputs) {
  ir::Node* node = block->appendNode("mil." + op);
  for (auto& [name, value] : inputs) node->addInput(value, name);
  for (auto& type : outputs) node->addOutput(std::move(type));
  return node;
}

inline ir::Value* milOp1(ir::Block* block, const std::string& op,
                         std::vector<std::pair<std::string, ir::Value*>> inputs, ir::TypePtr output,
                         const std::string& name = {}) {
  ir::Value* v = milOp(block, op, std::move(inputs), {std::move(output)})->output();
  v->setName(name);
  return v;
}

// mil.const holding `tensor` (appended to `block`, usually the graph's top block).
inline ir::Value* milConst(ir::Block* block, const Tensor& tensor) {
  ir::Node* node = block->appendNode("mil.const");
  node->setAttribute("val", IValue(tensor));
  return node->addOutput(tensorType(tensor.dtype(), tensor.shape()));
}

inline ir::Value* milConstString(ir::Block* block, const std::string& text) {
  ir::Node* node = block->appendNode("mil.const");
  node->setAttribute("val", IValue(text));
  return node->addOutput(ir::Type::strType());
}

inline Tensor scalarTensor(DType dtype, double value) {
  return Tensor::scalar(dtype, value);
}

inline Tensor intVector(std::initializer_list<int64_t> values) {
  Tensor t(DType::Int32, {static_cast<int64_t>(values.size())});
  int32_t* d = t.mutableData<int32_t>();
  for (int64_t v : values) *d++ = static_cast<int32_t>(v);
  return t;
}

inline Tensor floatTensor(Shape shape, std::vector<float> values) {
  Tensor t(DType::Float32, std::move(shape));
  float* d = t.mutableData<float>();
  for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.numel(); ++i)
    d[i] = values[i];
  return t;
}

// Deterministic values in [lo, hi) from a small linear congruential generator.
inline Tensor pseudoRandom(Shape shape, float lo, float hi, uint32_t seed) {
  Tensor t(DType::Float32, std::move(shape));
  uint32_t state = seed * 2654435761u + 12345u;
  float* d = t.mutableData<float>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    d[i] = lo + (hi - lo) * static_cast<float>(state >> 8) / static_cast<float>(1u << 24);
  }
  return t;
}

}  // namespace ts2coreml::testing
