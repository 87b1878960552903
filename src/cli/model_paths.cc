#include "cli/model_paths.h"

#include <cstdint>
#include <fstream>

#include "core/regular_file.h"
#include "coreml/mlpackage.h"

namespace ts2coreml::cli {

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string withoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool isCoreMLModelPath(const std::string& path) {
  std::string trimmed = withoutTrailingSlashes(path);
  return endsWith(trimmed, ".mlpackage") || endsWith(trimmed, ".mlmodel");
}

std::optional<int> readSpecificationVersion(const std::string& modelPath) {
  std::string path = withoutTrailingSlashes(modelPath);
  try {
    if (endsWith(path, ".mlpackage")) path = coreml::readPackage(path).modelFile;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  try {
    requireRegularFile(path);  // a FIFO would block the read below
  } catch (const std::exception&) {
    return std::nullopt;  // the model reader reports it
  }
  std::ifstream in(path, std::ios::binary);
  // Tag of field 1 as a varint (wire type 0) is 0x08; the value is a varint of at most 5 bytes
  // for an int32 that is not negative.
  if (in.get() != 0x08) return std::nullopt;
  uint32_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    int byte = in.get();
    if (byte == EOF) return std::nullopt;
    value |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return static_cast<int>(value);
  }
  return std::nullopt;
}

}  // namespace ts2coreml::cli
