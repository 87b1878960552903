#include "archive/zip_archive.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"

namespace ts2coreml::archive {

namespace {

constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kZip64EndOfCentralDirectory = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;

// Little-endian reads with bounds checks against the whole file.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const std::string& path)
      : data_(data), size_(size), path_(path) {}
  void need(uint64_t offset, uint64_t length, const std::string& what) const {
    if (offset > size_ || length > size_ - offset)
      throw Error(path_ + ": truncated archive: " + what + " runs past the end of the file");
  }
  uint16_t u16(uint64_t at) const {
    need(at, 2, "a zip record");
    return static_cast<uint16_t>(data_[at] | data_[at + 1] << 8);
  }
  uint32_t u32(uint64_t at) const {
    need(at, 4, "a zip record");
    uint32_t v;
    std::memcpy(&v, data_ + at, 4);
    return v;
  }
  uint64_t u64(uint64_t at) const {
    need(at, 8, "a zip record");
    uint64_t v;
    std::memcpy(&v, data_ + at, 8);
    return v;
  }
  const uint8_t* at(uint64_t offset) const { return data_ + offset; }
  size_t size() const { return size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  const std::string& path_;
};

// Applies the ZIP64 extended-information extra field (id 0x0001) to fields saturated at 0xffffffff.
void applyZip64Extra(const Reader& r, uint64_t extra, uint16_t extraLength, ZipEntry& entry) {
  uint64_t end = extra + extraLength;
  while (extra + 4 <= end) {
    uint16_t id = r.u16(extra), length = r.u16(extra + 2);
    uint64_t field = extra + 4;
    if (id == 0x0001) {
      if (entry.size == 0xffffffffu) entry.size = r.u64(field), field += 8;
      if (entry.compressedSize == 0xffffffffu) entry.compressedSize = r.u64(field), field += 8;
      if (entry.localHeaderOffset == 0xffffffffu) entry.localHeaderOffset = r.u64(field);
      return;
    }
    extra += 4 + length;
  }
}

}  // namespace

ZipArchive ZipArchive::open(const std::string& path) {
  ZipArchive archive;
  archive.path_ = path;
  archive.mapping_ = FileMapping::open(path);
  Reader r(archive.mapping_->data(), archive.mapping_->size(), path);
  if (r.size() < 22) throw Error(path + ": not a zip archive (no end-of-central-directory record)");
  // The end-of-central-directory record is within the last 64 KiB + 22 bytes (comment size).
  uint64_t eocd = std::numeric_limits<uint64_t>::max();
  uint64_t lowest = r.size() > 65557 ? r.size() - 65557 : 0;
  for (uint64_t at = r.size() - 22 + 1; at-- > lowest;) {
    if (r.u32(at) == kEndOfCentralDirectory) {
      eocd = at;
      break;
    }
  }
  if (eocd == std::numeric_limits<uint64_t>::max()) {
    // A file that starts like a zip but has no directory at its end was cut short.
    bool startsLikeZip = r.size() >= 4 && r.u32(0) == 0x04034b50;
    throw Error(path +
                (startsLikeZip
                     ? ": truncated archive: the zip's end-of-central-directory record is missing"
                     : ": not a zip archive (no end-of-central-directory record)"));
  }
  uint64_t count = r.u16(eocd + 10);
  uint64_t directorySize = r.u32(eocd + 12);
  uint64_t directoryOffset = r.u32(eocd + 16);
  if (eocd >= 20 && r.u32(eocd - 20) == kZip64Locator) {
    uint64_t zip64 = r.u64(eocd - 20 + 8);
    if (r.u32(zip64) != kZip64EndOfCentralDirectory)
      throw Error(path + ": corrupt ZIP64 end-of-central-directory record");
    count = r.u64(zip64 + 32);
    directorySize = r.u64(zip64 + 40);
    directoryOffset = r.u64(zip64 + 48);
  }
  r.need(directoryOffset, directorySize, "the central directory");
  uint64_t at = directoryOffset;
  for (uint64_t i = 0; i < count; ++i) {
    if (r.u32(at) != kCentralHeader)
      throw Error(path + ": corrupt central directory entry " + std::to_string(i));
    ZipEntry entry;
    entry.method = r.u16(at + 10);
    entry.compressedSize = r.u32(at + 20);
    entry.size = r.u32(at + 24);
    uint16_t nameLength = r.u16(at + 28), extraLength = r.u16(at + 30),
             commentLength = r.u16(at + 32);
    entry.localHeaderOffset = r.u32(at + 42);
    r.need(at + 46, nameLength, "an entry name");
    entry.name.assign(reinterpret_cast<const char*>(r.at(at + 46)), nameLength);
    applyZip64Extra(r, at + 46 + nameLength, extraLength, entry);
    archive.index_[entry.name] = archive.entries_.size();
    archive.entries_.push_back(std::move(entry));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return archive;
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::shared_ptr<Buffer> ZipArchive::read(const ZipEntry& entry) const {
  Reader r(mapping_->data(), mapping_->size(), path_);
  const std::string what = "entry '" + entry.name + "'";
  if (r.u32(entry.localHeaderOffset) != kLocalHeader)
    throw Error(path_ + ": corrupt local header of " + what);
  uint64_t dataOffset = entry.localHeaderOffset + 30 + r.u16(entry.localHeaderOffset + 26) +
                        r.u16(entry.localHeaderOffset + 28);
  r.need(dataOffset, entry.compressedSize, what);
  if (entry.method == 0) {
    if (entry.compressedSize != entry.size)
      throw Error(path_ + ": corrupt sizes of stored " + what);
    return Buffer::wrap(r.at(dataOffset), entry.size, mapping_);
  }
  if (entry.method != 8) {
    throw Error(path_ + ": " + what + " uses zip compression method " +
                std::to_string(entry.method) + " (only stored and deflated are supported)");
  }
  // Deflate cannot expand data by more than ~1032:1; a larger claim is a corrupt directory and
  // must not make us allocate an absurd buffer.
  if (entry.size / 1032 > entry.compressedSize + 1)
    throw Error(path_ + ": corrupt sizes of deflated " + what);
  auto buffer = Buffer::allocate(entry.size);
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw Error(path_ + ": zlib inflateInit2 failed");
  // zlib counts in 32-bit chunks; feed large entries piecewise.
  const uint8_t* in = r.at(dataOffset);
  uint64_t inLeft = entry.compressedSize, outDone = 0;
  int status = Z_OK;
  while (status == Z_OK) {
    uInt inChunk = static_cast<uInt>(std::min<uint64_t>(inLeft, 1u << 30));
    uInt outChunk = static_cast<uInt>(std::min<uint64_t>(entry.size - outDone, 1u << 30));
    stream.next_in = const_cast<Bytef*>(in);
    stream.avail_in = inChunk;
    stream.next_out = buffer->mutableData() + outDone;
    stream.avail_out = outChunk;
    status = inflate(&stream, Z_NO_FLUSH);
    uint64_t consumed = inChunk - stream.avail_in, produced = outChunk - stream.avail_out;
    in += consumed;
    inLeft -= consumed;
    outDone += produced;
    if (status == Z_OK && consumed == 0 && produced == 0) status = Z_BUF_ERROR;
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END || outDone != entry.size) {
    throw Error(path_ + ": corrupt deflated data in " + what);
  }
  return buffer;
}

}  // namespace ts2coreml::archive
