// Reader of the zip container torch.jit.save writes. Entries are found through the central
// directory only (torch leaves CRC and sizes zero in the local headers); ZIP64 is supported.
// Stored entries are returned as views into the memory map, deflated ones are inflated.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archive/file_mapping.h"
#include "core/tensor.h"

namespace ts2coreml::archive {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint64_t compressedSize = 0;
  uint64_t size = 0;
  uint64_t localHeaderOffset = 0;
};

class ZipArchive {
 public:
  // Throws Error "<path>: not a zip archive (...)" / "<path>: truncated archive: ...".
  static ZipArchive open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;
  // The entry's bytes: a zero-copy view for stored entries, an inflated copy for deflated ones.
  std::shared_ptr<Buffer> read(const ZipEntry& entry) const;

 private:
  std::string path_;
  std::shared_ptr<const FileMapping> mapping_;
  std::vector<ZipEntry> entries_;
  std::map<std::string, size_t> index_;
};

}  // namespace ts2coreml::archive
