// A tiny zip writer for tests. It writes archives the way torch.jit.save does (CRC and sizes
// zero in the local headers, real values only in the central directory), optionally with every
// size and offset moved into ZIP64 extra fields.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ts2coreml::archive::testing {

struct TestZipEntry {
  std::string name;
  std::string data;
  bool deflate = false;
};

inline std::string rawDeflate(const std::string& data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

class ByteWriter {
 public:
  void u16(uint32_t v) { put(v, 2); }
  void u32(uint64_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void bytes(const std::string& s) { out_ += s; }
  size_t size() const { return out_.size(); }
  std::string& str() { return out_; }

 private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

inline std::string makeZip(const std::vector<TestZipEntry>& entries, bool zip64 = false) {
  struct Written {
    uint64_t offset, csize, usize;
    uint32_t crc;
    uint16_t method;
  };
  ByteWriter w;
  std::vector<Written> written;
  for (const auto& e : entries) {
    std::string payload = e.deflate ? rawDeflate(e.data) : e.data;
    uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size())));
    written.push_back(
        {w.size(), payload.size(), e.data.size(), crc, static_cast<uint16_t>(e.deflate ? 8 : 0)});
    w.u32(0x04034b50);
    w.u16(20);
    w.u16(0x0808);  // data descriptor follows, UTF-8 name: sizes below are zero, as torch writes
    w.u16(written.back().method);
    w.u16(0);
    w.u16(0);
    w.u32(0);
    w.u32(0);
    w.u32(0);
    w.u16(static_cast<uint32_t>(e.name.size()));
    w.u16(3);  // a small extra field, so the data start must come from the local header
    w.bytes(e.name);
    w.bytes("ZZZ");
    w.bytes(payload);
    w.u32(0x08074b50);
    w.u32(crc);
    w.u32(payload.size());
    w.u32(e.data.size());
  }
  uint64_t directoryOffset = w.size();
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const auto& x = written[i];
    w.u32(0x02014b50);
    w.u16(45);
    w.u16(45);
    w.u16(0x0808);
    w.u16(x.method);
    w.u16(0);
    w.u16(0);
    w.u32(x.crc);
    w.u32(zip64 ? 0xffffffffu : x.csize);
    w.u32(zip64 ? 0xffffffffu : x.usize);
    w.u16(static_cast<uint32_t>(e.name.size()));
    w.u16(zip64 ? 28 : 0);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u32(0);
    w.u32(zip64 ? 0xffffffffu : x.offset);
    w.bytes(e.name);
    if (zip64) {
      w.u16(0x0001);
      w.u16(24);
      w.u64(x.usize);
      w.u64(x.csize);
      w.u64(x.offset);
    }
  }
  uint64_t directorySize = w.size() - directoryOffset;
  if (zip64) {
    uint64_t record = w.size();
    w.u32(0x06064b50);
    w.u64(44);
    w.u16(45);
    w.u16(45);
    w.u32(0);
    w.u32(0);
    w.u64(entries.size());
    w.u64(entries.size());
    w.u64(directorySize);
    w.u64(directoryOffset);
    w.u32(0x07064b50);
    w.u32(0);
    w.u64(record);
    w.u32(1);
  }
  w.u32(0x06054b50);
  w.u16(0);
  w.u16(0);
  w.u16(zip64 ? 0xffff : entries.size());
  w.u16(zip64 ? 0xffff : entries.size());
  w.u32(zip64 ? 0xffffffffu : directorySize);
  w.u32(zip64 ? 0xffffffffu : directoryOffset);
  w.u16(0);
  return w.str();
}

inline void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace ts2coreml::archive::testing
