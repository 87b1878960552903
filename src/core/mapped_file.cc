#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/regular_file.h"

namespace ts2coreml {

namespace {

// Closes the descriptor on every path out of open(); the mapping does not need it.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path) {
  FileDescriptor file{openRegularFile(path)};
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) throw Error(path + ": cannot open: " + std::strerror(errno));

  std::shared_ptr<MappedFile> mapped(new MappedFile);
  mapped->path_ = path;
  mapped->size_ = static_cast<size_t>(info.st_size);
  if (mapped->size_ == 0) return mapped;  // mmap refuses length 0; an empty file has no bytes
  void* address = ::mmap(nullptr, mapped->size_, PROT_READ, MAP_PRIVATE, file.fd, 0);
  if (address == MAP_FAILED) {
    throw Error(path + ": cannot map the file into memory: " + std::strerror(errno));
  }
  mapped->data_ = static_cast<const uint8_t*>(address);
  return mapped;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace ts2coreml
