// Small helpers for the kernel tests: tensors from literals and element access.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime::testing {

inline Tensor floats(Shape shape, const std::vector<float>& values) {
  Tensor t(DType::Float32, std::move(shape));
  EXPECT_EQ(t.numel(), static_cast<int64_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) t.mutableData<float>()[i] = values[i];
  return t;
}

inline Tensor ints(Shape shape, const std::vector<int32_t>& values) {
  Tensor t(DType::Int32, std::move(shape));
  EXPECT_EQ(t.numel(), static_cast<int64_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) t.mutableData<int32_t>()[i] = values[i];
  return t;
}

// Deterministic pseudo-random values in [-1, 1).
inline Tensor pattern(Shape shape, uint32_t seed = 1) {
  Tensor t(DType::Float32, std::move(shape));
  uint32_t state = seed * 2654435761u + 12345u;
  for (int64_t i = 0; i < t.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    t.mutableData<float>()[i] =
        static_cast<float>(state >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return t;
}

inline std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  for (int64_t i = 0; i < t.numel(); ++i) out.push_back(t.elementAsDouble(i));
  return out;
}

inline void expectValues(const Tensor& t, const std::vector<double>& expected,
                         double tolerance = 1e-6) {
  ASSERT_EQ(t.numel(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(t.elementAsDouble(static_cast<int64_t>(i)), expected[i], tolerance)
        << "element " << i;
  }
}

}  // namespace ts2coreml::runtime::testing
