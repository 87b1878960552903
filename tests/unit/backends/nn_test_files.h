// Temporary directories for the neural network backend tests, and copies of the produced
// .mlmodel files into $TS2COREML_ARTIFACTS_DIR (read by tests/coreml_check/
// test_load_neuralnetwork.py, which checks them with coremltools).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "coreml/atomic_output.h"

namespace ts2coreml::testing {

class NNTempDir {
 public:
  NNTempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("ts2coreml_nn_test_" + coreml::randomHex(8))) {
    std::filesystem::create_directories(path_);
  }
  ~NNTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Copies `modelPath` to $TS2COREML_ARTIFACTS_DIR/<name>.mlmodel when that variable is set.
inline void keepArtifact(const std::string& modelPath, const std::string& name) {
  const char* dir = std::getenv("TS2COREML_ARTIFACTS_DIR");
  if (!dir || !*dir) return;
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(modelPath, std::filesystem::path(dir) / (name + ".mlmodel"),
                             std::filesystem::copy_options::overwrite_existing);
}

}  // namespace ts2coreml::testing
