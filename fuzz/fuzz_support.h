// Helpers shared by the libFuzzer targets of this folder (header-only: each target is one
// executable built from one *_fuzzer.cc).
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace ts2coreml::fuzz {

// A scratch folder private to this process, in memory when /dev/shm exists: the targets that
// read models from disk write each input there (Model::load takes a path).
inline std::filesystem::path scratchDir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    std::filesystem::path made = base / ("ts2coreml_fuzz_" + std::to_string(getpid()));
    std::filesystem::create_directories(made);
    // Removed at exit so a long run leaves nothing behind (crash runs keep it for inspection).
    static const std::filesystem::path removeAtExit = made;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(removeAtExit, ignored);
    });
    return made;
  }();
  return dir;
}

inline void writeBytes(const std::filesystem::path& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

inline std::vector<uint8_t> readBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Splits `data` into two parts at a 4-byte little-endian length prefix (the first part's length,
// clamped to what is there): how a two-file input (model + weights) is packed into one input.
struct TwoParts {
  std::string_view first;
  std::string_view second;
};
inline TwoParts splitTwoParts(const uint8_t* data, size_t size) {
  if (size < 4) return {};
  const uint32_t announced = static_cast<uint32_t>(data[0]) | static_cast<uint32_t>(data[1]) << 8 |
                             static_cast<uint32_t>(data[2]) << 16 |
                             static_cast<uint32_t>(data[3]) << 24;
  const char* rest = reinterpret_cast<const char*>(data + 4);
  const size_t restSize = size - 4;
  const size_t firstSize = announced < restSize ? announced : restSize;
  return {std::string_view(rest, firstSize),
          std::string_view(rest + firstSize, restSize - firstSize)};
}

// A zip archive of stored entries (no compression, classic end record): enough to put the
// fuzzer's bytes into a TorchScript archive that the reader accepts.
class StoredZipWriter {
 public:
  void add(const std::string& name, std::string_view contents) {
    Entry entry{name, static_cast<uint32_t>(bytes_.size()),
                static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(contents.data()),
                                            static_cast<uInt>(contents.size()))),
                static_cast<uint32_t>(contents.size())};
    u32(0x04034b50);
    u16(20), u16(0), u16(0), u16(0), u16(0);  // version, flags, method, time, date
    u32(entry.crc), u32(entry.size), u32(entry.size);
    u16(static_cast<uint16_t>(name.size())), u16(0);
    bytes_.insert(bytes_.end(), name.begin(), name.end());
    bytes_.insert(bytes_.end(), contents.begin(), contents.end());
    entries_.push_back(entry);
  }

  std::vector<uint8_t> finish() {
    const uint32_t directoryStart = static_cast<uint32_t>(bytes_.size());
    for (const Entry& entry : entries_) {
      u32(0x02014b50);
      u16(20), u16(20), u16(0), u16(0), u16(0),
          u16(0);  // made by, needed, flags, method, time, date
      u32(entry.crc), u32(entry.size), u32(entry.size);
      u16(static_cast<uint16_t>(entry.name.size())), u16(0), u16(0);  // name, extra, comment
      u16(0), u16(0), u32(0);  // disk, internal and external attributes
      u32(entry.offset);
      bytes_.insert(bytes_.end(), entry.name.begin(), entry.name.end());
    }
    const uint32_t directorySize = static_cast<uint32_t>(bytes_.size()) - directoryStart;
    u32(0x06054b50);
    u16(0), u16(0);
    u16(static_cast<uint16_t>(entries_.size())), u16(static_cast<uint16_t>(entries_.size()));
    u32(directorySize), u32(directoryStart), u16(0);
    return std::move(bytes_);
  }

 private:
  struct Entry {
    std::string name;
    uint32_t offset, crc, size;
  };
  void u16(uint16_t v) {
    bytes_.push_back(static_cast<uint8_t>(v)), bytes_.push_back(static_cast<uint8_t>(v >> 8));
  }
  void u32(uint32_t v) { u16(static_cast<uint16_t>(v)), u16(static_cast<uint16_t>(v >> 16)); }

  std::vector<uint8_t> bytes_;
  std::vector<Entry> entries_;
};

}  // namespace ts2coreml::fuzz
