// A read-only memory map of a whole file. Shared ownership lets tensor views into the file keep
// the mapping alive (Buffer::wrap with this object as the owner).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ts2coreml::archive {

class FileMapping {
 public:
  // Throws Error naming the path when the file cannot be opened or mapped.
  static std::shared_ptr<const FileMapping> open(const std::string& path);
  ~FileMapping();
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  FileMapping() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ts2coreml::archive
