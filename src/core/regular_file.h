// Only regular files are read: a FIFO would block the reader forever, and a device or socket
// has no end. Every path that comes from the user or from a model package goes through these.
#pragma once

#include <string>

namespace ts2coreml {

// Opens `path` read-only without blocking on a FIFO, refuses anything but a regular file (after
// symlinks), and returns a blocking descriptor the caller closes. Throws Error naming `path`.
int openRegularFile(const std::string& path);

// Throws Error when `path` exists and is not a regular file (a FIFO, device, socket,
// directory); a missing path is left to the caller's open to report.
void requireRegularFile(const std::string& path);

}  // namespace ts2coreml
