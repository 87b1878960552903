// libFuzzer target: a .mlmodel file (neural network or ML Program protobuf) read and run by the
// reference runtime. Each input is written to one scratch file, since Model::load takes a path.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "model_run.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path model = ts2coreml::fuzz::scratchDir() / "model.mlmodel";
  ts2coreml::fuzz::writeBytes(model, data, size);
  ts2coreml::fuzz::loadAndRun(model.string());
  return 0;
}
