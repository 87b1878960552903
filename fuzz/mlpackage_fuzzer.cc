// libFuzzer target: an .mlpackage folder whose model.mlmodel and weights/weight.bin come from
// the input (a 4-byte little-endian length of the model part, the model, then the weights),
// read and run by the reference runtime. The Manifest.json is our own and stays valid, so the
// mutations go into the protobuf and the weight blobs (header, offsets, sizes, dtypes).
#include <cstddef>
#include <cstdint>

#include "coreml/mlpackage.h"
#include "fuzz_support.h"
#include "model_run.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ts2coreml;
  static const std::string package = [] {
    std::filesystem::path dir = fuzz::scratchDir() / "model.mlpackage";
    std::filesystem::create_directories(dir);
    coreml::PackageLayout layout = coreml::createPackageDirectories(dir.string());
    fuzz::writeBytes(layout.modelFile, nullptr, 0);
    fuzz::writeBytes(layout.weightFile, nullptr, 0);
    coreml::writeManifest(dir.string());
    return dir.string();
  }();
  static const coreml::PackageLayout layout = coreml::packageLayout(package);
  fuzz::TwoParts parts = fuzz::splitTwoParts(data, size);
  fuzz::writeBytes(layout.modelFile, reinterpret_cast<const uint8_t*>(parts.first.data()),
                   parts.first.size());
  fuzz::writeBytes(layout.weightFile, reinterpret_cast<const uint8_t*>(parts.second.data()),
                   parts.second.size());
  fuzz::loadAndRun(package);
  return 0;
}
