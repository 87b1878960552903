// Atomic outputs: everything is written into a temporary sibling of the target (same directory,
// so the final rename never crosses file systems) and renamed into place on commit(). Without a
// commit (an exception unwound the writer) the destructor removes the temporary, so a failed
// write never leaves anything half-written at the target and never touches an existing target.
#pragma once

#include <string>

namespace ts2coreml::coreml {

class AtomicOutput {
 public:
  enum class Kind { File, Directory };

  // Creates the temporary (an empty directory for Kind::Directory; nothing yet for a file, the
  // writer creates it at tempPath()). Throws Error when the parent directory does not exist.
  AtomicOutput(std::string target, Kind kind);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& target() const { return target_; }
  const std::string& tempPath() const { return temp_; }

  // Moves the temporary onto the target, replacing an existing target (file or directory).
  void commit();
  bool committed() const { return committed_; }

 private:
  std::string target_;
  std::string temp_;
  Kind kind_;
  bool committed_ = false;
};

// A random hex string from /dev/urandom (`bytes` random bytes), used for temporary names.
std::string randomHex(size_t bytes);

}  // namespace ts2coreml::coreml
