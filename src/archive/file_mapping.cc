#include "archive/file_mapping.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace ts2coreml::archive {

std::shared_ptr<const FileMapping> FileMapping::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw Error(path + ": not a regular file");
  }
  std::shared_ptr<FileMapping> mapping(new FileMapping);
  mapping->size_ = static_cast<size_t>(info.st_size);
  if (mapping->size_ > 0) {
    void* address = ::mmap(nullptr, mapping->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      ::close(fd);
      throw Error(path + ": cannot map the file: " + std::strerror(errno));
    }
    mapping->data_ = static_cast<const uint8_t*>(address);
  }
  ::close(fd);  // the mapping stays valid without the descriptor
  return mapping;
}

FileMapping::~FileMapping() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace ts2coreml::archive
