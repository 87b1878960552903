#include "archive/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>

#include "core/error.h"

namespace ts2coreml::archive {

namespace {

// Record signatures and fixed sizes from the ZIP application note (APPNOTE.TXT).
constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint64_t kLocalHeaderSize = 30;
constexpr uint64_t kCentralHeaderSize = 46;
constexpr uint64_t kEndSize = 22;
constexpr uint64_t kZip64LocatorSize = 20;
constexpr uint64_t kZip64EndSize = 56;
constexpr uint64_t kMaxCommentSize = 0xffff;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint64_t kSaturated32 = 0xffffffffu;  // "the real value is in the ZIP64 record"
constexpr uint16_t kEncryptedFlag = 0x0001;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;

// Little-endian reads from the mapped file, each checked against the file's end.
class FileBytes {
 public:
  explicit FileBytes(const ArchiveBytes& file) : file_(file) {}

  bool contains(uint64_t offset, uint64_t length) const {
    return offset <= file_.size && length <= file_.size - offset;
  }
  void require(uint64_t offset, uint64_t length, std::string_view what) const {
    if (!contains(offset, length)) {
      throw Error(file_.name + ": truncated archive: " + std::string(what) +
                  " runs past the end of the file");
    }
  }
  uint64_t read(uint64_t offset, int bytes, const char* what) const {
    require(offset, static_cast<uint64_t>(bytes), what);
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = value << 8 | file_.data[offset + i];
    return value;
  }
  uint16_t u16(uint64_t offset, const char* what) const {
    return static_cast<uint16_t>(read(offset, 2, what));
  }
  uint32_t u32(uint64_t offset, const char* what) const {
    return static_cast<uint32_t>(read(offset, 4, what));
  }
  uint64_t u64(uint64_t offset, const char* what) const { return read(offset, 8, what); }
  const uint8_t* at(uint64_t offset) const { return file_.data + offset; }
  uint64_t size() const { return file_.size; }
  [[noreturn]] void corrupt(const std::string& what) const {
    throw Error(file_.name + ": corrupt zip archive: " + what);
  }

 private:
  const ArchiveBytes& file_;
};

// The classic end-of-central-directory record sits at the end, followed only by a comment of
// at most 64 KiB. Search backwards for its signature with a comment length that fits.
std::optional<uint64_t> findEndRecord(const FileBytes& bytes) {
  if (bytes.size() < kEndSize) return std::nullopt;
  const uint64_t last = bytes.size() - kEndSize;
  const uint64_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
  for (uint64_t at = last + 1; at-- > first;) {
    if (bytes.u32(at, "the end record") == kEndSignature &&
        at + kEndSize + bytes.u16(at + 20, "the end record") <= bytes.size()) {
      return at;
    }
  }
  return std::nullopt;
}

// Where the central directory is and how many entries it holds.
struct Directory {
  uint64_t count = 0;
  uint64_t size = 0;
  uint64_t offset = 0;
};

Directory locateDirectory(const FileBytes& bytes, const std::string& path) {
  std::optional<uint64_t> end = findEndRecord(bytes);
  if (!end) {
    // A file that starts like a zip but has no end record was most likely cut short.
    if (bytes.size() >= 4 && bytes.u32(0, "the first record") == kLocalHeaderSignature) {
      throw Error(path +
                  ": truncated archive: it starts like a zip file but has no "
                  "end-of-central-directory record");
    }
    throw Error(path + ": not a zip archive (no end-of-central-directory record)");
  }
  Directory directory;
  directory.count = bytes.u16(*end + 10, "the end record");
  directory.size = bytes.u32(*end + 12, "the end record");
  directory.offset = bytes.u32(*end + 16, "the end record");
  // torch always adds the ZIP64 locator and record; their values are exact even past 4 GiB.
  if (*end >= kZip64LocatorSize &&
      bytes.u32(*end - kZip64LocatorSize, "the ZIP64 locator") == kZip64LocatorSignature) {
    const uint64_t record = bytes.u64(*end - kZip64LocatorSize + 8, "the ZIP64 locator");
    bytes.require(record, kZip64EndSize, "the ZIP64 end-of-central-directory record");
    if (bytes.u32(record, "the ZIP64 end record") != kZip64EndSignature) {
      bytes.corrupt("the ZIP64 locator points at no ZIP64 end-of-central-directory record");
    }
    directory.count = bytes.u64(record + 32, "the ZIP64 end record");
    directory.size = bytes.u64(record + 40, "the ZIP64 end record");
    directory.offset = bytes.u64(record + 48, "the ZIP64 end record");
  }
  bytes.require(directory.offset, directory.size, "the central directory");
  if (directory.count > directory.size / kCentralHeaderSize) {
    bytes.corrupt("the central directory is too small for " + std::to_string(directory.count) +
                  " entries");
  }
  return directory;
}

// Sizes and offsets saturated at 0xffffffff are in the ZIP64 extra field (id 0x0001), in this
// order and only those that are saturated.
void applyZip64Extra(const FileBytes& bytes, uint64_t at, uint64_t end, ZipEntry& entry) {
  while (at + 4 <= end) {
    const uint16_t id = bytes.u16(at, "an extra field");
    const uint64_t fieldEnd = at + 4 + bytes.u16(at + 2, "an extra field");
    if (fieldEnd > end) bytes.corrupt("an extra field of entry '" + entry.name + "' overruns");
    if (id == kZip64ExtraId) {
      uint64_t field = at + 4;
      for (uint64_t* value : {&entry.size, &entry.compressedSize, &entry.localHeaderOffset}) {
        if (*value != kSaturated32) continue;
        if (field + 8 > fieldEnd)
          bytes.corrupt("the ZIP64 extra field of entry '" + entry.name + "' is too short");
        *value = bytes.u64(field, "a ZIP64 extra field");
        field += 8;
      }
      return;
    }
    at = fieldEnd;
  }
}

std::vector<ZipEntry> readDirectory(const FileBytes& bytes, const Directory& directory) {
  std::vector<ZipEntry> entries;
  entries.reserve(directory.count);
  const uint64_t end = directory.offset + directory.size;
  uint64_t at = directory.offset;
  for (uint64_t i = 0; i < directory.count; ++i) {
    if (at + kCentralHeaderSize > end ||
        bytes.u32(at, "the central directory") != kCentralHeaderSignature) {
      bytes.corrupt("central directory entry " + std::to_string(i) + " is malformed");
    }
    ZipEntry entry;
    entry.flags = bytes.u16(at + 8, "the central directory");
    entry.method = bytes.u16(at + 10, "the central directory");
    entry.crc32 = bytes.u32(at + 16, "the central directory");
    entry.compressedSize = bytes.u32(at + 20, "the central directory");
    entry.size = bytes.u32(at + 24, "the central directory");
    const uint16_t nameLength = bytes.u16(at + 28, "the central directory");
    const uint16_t extraLength = bytes.u16(at + 30, "the central directory");
    const uint16_t commentLength = bytes.u16(at + 32, "the central directory");
    entry.localHeaderOffset = bytes.u32(at + 42, "the central directory");
    const uint64_t name = at + kCentralHeaderSize;
    const uint64_t next = name + nameLength + extraLength + commentLength;
    if (next > end) {
      bytes.corrupt("central directory entry " + std::to_string(i) + " overruns the directory");
    }
    entry.name.assign(reinterpret_cast<const char*>(bytes.at(name)), nameLength);
    applyZip64Extra(bytes, name + nameLength, name + nameLength + extraLength, entry);
    entries.push_back(std::move(entry));
    at = next;
  }
  return entries;
}

// Both stored and deflated entries are checked against the central directory's CRC-32: a
// stored tensor with a flipped byte would otherwise convert into a silently wrong model. One
// sequential pass over the mapping; the pages stay file-backed (nothing is copied).
void checkCrc(const uint8_t* data, const ZipEntry& entry, const std::string& where) {
  constexpr uint64_t kChunk = uint64_t{1} << 30;  // zlib counts in 32-bit units
  uLong crc = crc32(0L, Z_NULL, 0);
  for (uint64_t done = 0; done < entry.size; done += kChunk) {
    crc = crc32(crc, data + done, static_cast<uInt>(std::min(entry.size - done, kChunk)));
  }
  if (crc != entry.crc32) throw Error(where + " fails its CRC check");
}

// Raw deflate (no zlib header), as zip stores it. zlib counts in 32-bit units, so large entries
// are fed in pieces. The result is checked against the size and CRC from the central directory.
std::shared_ptr<Buffer> inflateEntry(const uint8_t* in, uint64_t inSize, const ZipEntry& entry,
                                     const std::string& where) {
  // Deflate cannot expand data by more than 1032:1; a larger claim is a corrupt directory and
  // must not make us allocate an absurd buffer.
  if (entry.size / 1032 > inSize + 1) {
    throw Error(where + " claims " + std::to_string(entry.size) +
                " bytes, more than its deflated data can hold");
  }
  std::shared_ptr<Buffer> buffer;
  try {
    buffer = Buffer::allocate(entry.size);
  } catch (const std::bad_alloc&) {
    throw Error(where + ": out of memory inflating " + std::to_string(entry.size) + " bytes");
  }
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw Error(where + ": zlib inflateInit2 failed");
  uint8_t unused = 0;  // zlib refuses a null output pointer, even for an empty entry
  uint8_t* out = entry.size ? buffer->mutableData() : &unused;
  uint64_t inLeft = inSize, outDone = 0;
  constexpr uint64_t kChunk = uint64_t{1} << 30;
  int status = Z_OK;
  while (status == Z_OK) {
    const auto inChunk = static_cast<uInt>(std::min(inLeft, kChunk));
    const auto outChunk = static_cast<uInt>(std::min(entry.size - outDone, kChunk));
    stream.next_in = const_cast<Bytef*>(in);
    stream.avail_in = inChunk;
    stream.next_out = out + outDone;
    stream.avail_out = outChunk;
    status = inflate(&stream, Z_NO_FLUSH);
    const uint64_t consumed = inChunk - stream.avail_in, produced = outChunk - stream.avail_out;
    in += consumed;
    inLeft -= consumed;
    outDone += produced;
    if (status == Z_OK && consumed == 0 && produced == 0) status = Z_BUF_ERROR;  // no progress
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END || outDone != entry.size) {
    throw Error(where + " holds corrupt deflated data");
  }
  checkCrc(out, entry, where);
  return buffer;
}

}  // namespace

ZipReader ZipReader::open(const std::string& path) {
  std::shared_ptr<const MappedFile> mapped = MappedFile::open(path);
  return fromBytes(ArchiveBytes{path, mapped->data(), mapped->size(), mapped});
}

ZipReader ZipReader::fromBytes(ArchiveBytes archiveBytes) {
  ZipReader reader;
  reader.bytes_ = std::move(archiveBytes);
  FileBytes bytes(reader.bytes_);
  reader.entries_ = readDirectory(bytes, locateDirectory(bytes, reader.bytes_.name));
  reader.index_.reserve(reader.entries_.size());
  for (size_t i = 0; i < reader.entries_.size(); ++i) {
    // Two entries of one name would let a reader see one and us the other: refused.
    if (!reader.index_.emplace(reader.entries_[i].name, i).second) {
      bytes.corrupt("entry '" + quoteInput(reader.entries_[i].name) +
                    "' appears twice (duplicate entry names)");
    }
  }
  return reader;
}

const ZipEntry* ZipReader::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::shared_ptr<Buffer> ZipReader::read(const ZipEntry& entry) const {
  FileBytes bytes(bytes_);
  const std::string what = "entry '" + entry.name + "'";
  const std::string where = path() + ": " + what;
  if (entry.flags & kEncryptedFlag) throw Error(where + " is encrypted, which is not supported");
  if (entry.method != kStored && entry.method != kDeflated) {
    throw Error(where + " uses compression method " + std::to_string(entry.method) +
                " (only stored and deflated entries are supported)");
  }
  // Only the local header's name and extra lengths are used: its sizes and CRC are zero in
  // torch's archives, and the extra field (torch's 64-byte alignment padding) varies.
  const uint64_t header = entry.localHeaderOffset;
  bytes.require(header, kLocalHeaderSize, "the local header of " + what);
  if (bytes.u32(header, "a local header") != kLocalHeaderSignature) {
    bytes.corrupt(what + " has no local header at offset " + std::to_string(header));
  }
  const uint64_t data = header + kLocalHeaderSize + bytes.u16(header + 26, "a local header") +
                        bytes.u16(header + 28, "a local header");
  bytes.require(data, entry.compressedSize, what);
  if (entry.method == kStored) {
    if (entry.compressedSize != entry.size) {
      bytes.corrupt("stored " + what + " has different compressed and uncompressed sizes");
    }
    checkCrc(bytes.at(data), entry, where);
    return Buffer::wrap(bytes.at(data), entry.size, bytes_.owner);
  }
  return inflateEntry(bytes.at(data), entry.compressedSize, entry, where);
}

}  // namespace ts2coreml::archive
