#include "core/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace ts2coreml {

namespace {

const char* kindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "something other than a file";
}

[[noreturn]] void refuse(const std::string& path, mode_t mode) {
  if (S_ISDIR(mode)) throw Error(path + ": cannot open: it is a directory");
  throw Error(path + ": cannot open: it is " + std::string(kindOf(mode)) + ", not a regular file");
}

}  // namespace

int openRegularFile(const std::string& path) {
  // O_NONBLOCK makes open() return at once on a FIFO with no writer; fstat then refuses it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int saved = errno;
    ::close(fd);
    throw Error(path + ": cannot open: " + std::strerror(saved));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    refuse(path, info.st_mode);
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

void requireRegularFile(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return;
  if (!S_ISREG(info.st_mode)) refuse(path, info.st_mode);
}

}  // namespace ts2coreml
