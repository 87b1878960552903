// libFuzzer target: the .npy decoder (magic, version, header dict, shape, data size).
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/error.h"
#include "npy/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ts2coreml;
  try {
    Tensor tensor = npy::decode(std::span<const uint8_t>(data, size), "<fuzz>.npy");
    volatile int64_t sink = tensor.numel();
    (void)sink;
  } catch (const Error&) {
  }
  return 0;
}
