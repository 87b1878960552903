// A read-only memory map of a whole file. Tensors read from an archive are views into this
// mapping, so it is owned through a shared_ptr: every Buffer made with
// Buffer::wrap(ptr, size, mapping) keeps the file mapped for as long as it lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ts2coreml {

class MappedFile {
 public:
  // Throws Error "<path>: cannot open: <reason>" (missing, unreadable, a directory, ...).
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const uint8_t* data() const { return data_; }  // nullptr for an empty file
  size_t size() const { return size_; }

 private:
  MappedFile() = default;
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ts2coreml
