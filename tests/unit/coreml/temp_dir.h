// A fresh temporary directory per test, removed afterwards.
#pragma once

#include <filesystem>
#include <string>

#include "coreml/atomic_output.h"

namespace ts2coreml::coreml::testing {

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("ts2coreml_test_" + randomHex(8))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ts2coreml::coreml::testing
