// Reader of the zip container written by torch.jit.save (and by ordinary zip tools).
//
// Entries are found through the central directory only: torch sets the data-descriptor flag and
// leaves CRC and sizes zero in the local headers, so walking local headers cannot work. ZIP64 is
// fully supported (torch always writes the ZIP64 end records). Stored entries are returned as
// zero-copy views into the memory map; deflated ones are inflated into an owned buffer.
// Every offset and size read from the file is bounds-checked before use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/mapped_file.h"
#include "core/tensor.h"

namespace ts2coreml::archive {

// The bytes of a whole archive: a memory-mapped file or a caller's buffer. `owner` keeps `data`
// alive; stored entries are views that share it. `name` (a path, or e.g. "<memory>") starts
// every error message.
struct ArchiveBytes {
  std::string name;
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owner;
};

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint16_t flags = 0;   // general-purpose bit flags (bit 0: encrypted)
  uint32_t crc32 = 0;   // of the uncompressed bytes, from the central directory
  uint64_t compressedSize = 0;
  uint64_t size = 0;  // uncompressed
  uint64_t localHeaderOffset = 0;
};

class ZipReader {
 public:
  // Maps `path` and reads its central directory. Throws Error naming the file, e.g.
  // "<path>: not a zip archive (no end-of-central-directory record)" or
  // "<path>: truncated archive: the central directory runs past the end of the file".
  static ZipReader open(const std::string& path);
  // The same over bytes already in memory (no copy: entries are views that keep `bytes.owner`).
  static ZipReader fromBytes(ArchiveBytes bytes);

  // The file path, or the name given to fromBytes.
  const std::string& path() const { return bytes_.name; }
  // In central-directory order (torch writes them in the order it created them).
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;  // nullptr when absent

  // The entry's uncompressed bytes: a view into the mapping (stored) or an inflated copy
  // (deflated). Throws Error naming the file and the entry when the data runs past the end of
  // the file, is corrupt, encrypted or uses another compression method.
  std::shared_ptr<Buffer> read(const ZipEntry& entry) const;

 private:
  ArchiveBytes bytes_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace ts2coreml::archive
