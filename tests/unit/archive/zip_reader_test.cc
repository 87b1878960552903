#include "archive/zip_reader.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/error.h"
#include "test_zip_writer.h"

namespace ts2coreml::archive {
namespace {

using testing::makeZip;
using testing::writeFile;

std::string tempPath(const std::string& name) {
  return ::testing::TempDir() + name;
}

std::string text(const Buffer& buffer) {
  return std::string(reinterpret_cast<const char*>(buffer.data()), buffer.size());
}

std::string longText() {
  std::string s;
  for (int i = 0; i < 500; ++i) s += "line " + std::to_string(i) + " of some python code\n";
  return s;
}

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string openError(const std::string& path) {
  return errorOf([&] { ZipReader::open(path); });
}

// Offset of central-directory field `field` of the first entry.
size_t centralField(const std::string& zip, size_t field) {
  size_t central = zip.find("PK\x01\x02");
  EXPECT_NE(central, std::string::npos);
  return central + field;
}

class ZipReaderTest : public ::testing::TestWithParam<bool> {};

TEST_P(ZipReaderTest, ReadsStoredAndDeflatedEntries) {
  const bool zip64 = GetParam();
  const std::string path = tempPath(zip64 ? "entries64.zip" : "entries.zip");
  const std::string code = longText();
  writeFile(path, makeZip({{"m/data/0", std::string("\x01\x02\x03\x04", 4), false},
                           {"m/code/__torch__.py", code, true},
                           {"m/empty", "", false},
                           {"m/empty_deflated", "", true}},
                          zip64));
  ZipReader zip = ZipReader::open(path);
  EXPECT_EQ(zip.path(), path);
  ASSERT_EQ(zip.entries().size(), 4u);
  EXPECT_EQ(zip.entries()[0].name, "m/data/0");
  EXPECT_EQ(zip.entries()[3].name, "m/empty_deflated");

  const ZipEntry* stored = zip.find("m/data/0");
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->method, 0);
  EXPECT_EQ(stored->size, 4u);
  auto storedBytes = zip.read(*stored);
  EXPECT_EQ(text(*storedBytes), std::string("\x01\x02\x03\x04", 4));
  EXPECT_FALSE(storedBytes->isOwned()) << "stored entries must be views into the mapping";
  EXPECT_EQ(zip.read(*stored)->data(), storedBytes->data()) << "no copy on a second read";

  const ZipEntry* deflated = zip.find("m/code/__torch__.py");
  ASSERT_NE(deflated, nullptr);
  EXPECT_EQ(deflated->method, 8);
  EXPECT_EQ(deflated->size, code.size());
  EXPECT_LT(deflated->compressedSize, code.size());
  EXPECT_EQ(text(*zip.read(*deflated)), code);

  EXPECT_EQ(zip.read(*zip.find("m/empty"))->size(), 0u);
  EXPECT_EQ(zip.read(*zip.find("m/empty_deflated"))->size(), 0u);
  EXPECT_EQ(zip.find("m/missing"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(ClassicAndZip64, ZipReaderTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "zip64" : "classic"; });

TEST(ZipReader, StoredViewOutlivesTheReader) {
  const std::string path = tempPath("outlive.zip");
  writeFile(path, makeZip({{"m/data/0", "payload", false}}));
  std::shared_ptr<Buffer> bytes;
  {
    ZipReader zip = ZipReader::open(path);
    bytes = zip.read(*zip.find("m/data/0"));
  }
  EXPECT_EQ(text(*bytes), "payload");  // the buffer holds the mapping alive
}

TEST(ZipReader, ReadsAZipWrittenByPythonsZipfile) {
  // os_system.pt was re-zipped by Python's zipfile: real sizes in the local headers, no ZIP64.
  const std::string path = std::string(TS2COREML_FIXTURES_DIR) + "/archive/os_system.pt";
  ZipReader zip = ZipReader::open(path);
  const ZipEntry* code = zip.find("os_system/code/__torch__.py");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->method, 8);
  EXPECT_NE(text(*zip.read(*code)).find("class Views(Module):"), std::string::npos);
}

TEST(ZipReader, RefusesAFileThatIsNotAZip) {
  const std::string path = tempPath("notazip.pt");
  writeFile(path, std::string(100, 'x'));
  EXPECT_EQ(openError(path), path + ": not a zip archive (no end-of-central-directory record)");
  writeFile(path, "tiny");
  EXPECT_EQ(openError(path), path + ": not a zip archive (no end-of-central-directory record)");
  writeFile(path, "");
  EXPECT_EQ(openError(path), path + ": not a zip archive (no end-of-central-directory record)");
}

TEST(ZipReader, ReportsAMissingFile) {
  const std::string path = tempPath("does_not_exist.pt");
  EXPECT_EQ(openError(path), path + ": cannot open: No such file or directory");
}

TEST(ZipReader, ReportsAFileCutShort) {
  const std::string path = tempPath("cut_short.pt");
  const std::string bytes = makeZip({{"x/data/0", std::string(200, 'a'), false}});
  writeFile(path, bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(openError(path), path +
                                 ": truncated archive: it starts like a zip file but has no "
                                 "end-of-central-directory record");
}

TEST(ZipReader, ReportsAnEntryRunningPastTheEndOfTheFile) {
  const std::string path = tempPath("truncated.pt");
  std::string bytes = makeZip({{"x/data/0", std::string(64, 'a'), false}});
  // Claim 4096 bytes in the central directory's compressed and uncompressed size fields.
  for (size_t field : {centralField(bytes, 20), centralField(bytes, 24)}) {
    bytes[field] = 0;
    bytes[field + 1] = 0x10;
  }
  writeFile(path, bytes);
  ZipReader zip = ZipReader::open(path);
  EXPECT_EQ(errorOf([&] { zip.read(*zip.find("x/data/0")); }),
            path + ": truncated archive: entry 'x/data/0' runs past the end of the file");
}

TEST(ZipReader, ReportsACutOffCentralDirectory) {
  const std::string path = tempPath("cut.pt");
  std::string bytes = makeZip({{"x/data/0", "abc", false}});
  // Keep the end record but drop most of the central directory before it.
  size_t central = bytes.find("PK\x01\x02");
  size_t end = bytes.find("PK\x05\x06");
  writeFile(path, bytes.substr(0, central + 10) + bytes.substr(end));
  EXPECT_EQ(openError(path),
            path + ": truncated archive: the central directory runs past the end of the file");
}

TEST(ZipReader, ReportsALocalHeaderOffsetPastTheEnd) {
  const std::string path = tempPath("bad_offset.pt");
  std::string bytes = makeZip({{"x/data/0", "abc", false}});
  bytes[centralField(bytes, 42 + 3)] = 0x70;  // local header offset 0x70000000
  writeFile(path, bytes);
  ZipReader zip = ZipReader::open(path);
  EXPECT_EQ(errorOf([&] { zip.read(*zip.find("x/data/0")); }),
            path +
                ": truncated archive: the local header of entry 'x/data/0' runs past the end of "
                "the file");
}

TEST(ZipReader, RefusesOtherCompressionMethodsAndEncryption) {
  const std::string path = tempPath("method.pt");
  std::string bytes = makeZip({{"x/code.py", longText(), true}});
  bytes[centralField(bytes, 10)] = 12;  // bzip2
  writeFile(path, bytes);
  ZipReader zip = ZipReader::open(path);
  EXPECT_EQ(errorOf([&] { zip.read(*zip.find("x/code.py")); }),
            path +
                ": entry 'x/code.py' uses compression method 12 (only stored and deflated "
                "entries are supported)");

  std::string encrypted = makeZip({{"x/data/0", "abc", false}});
  encrypted[centralField(encrypted, 8)] |= 1;
  writeFile(path, encrypted);
  ZipReader zip2 = ZipReader::open(path);
  EXPECT_EQ(errorOf([&] { zip2.read(*zip2.find("x/data/0")); }),
            path + ": entry 'x/data/0' is encrypted, which is not supported");
}

TEST(ZipReader, ReportsCorruptDeflatedDataAndCrcMismatch) {
  const std::string path = tempPath("corrupt_deflate.pt");
  std::string bytes = makeZip({{"x/code.py", longText(), true}});
  size_t data = bytes.find("ZZZ") + 3;
  for (size_t i = data; i < data + 40; ++i) bytes[i] = static_cast<char>(0xff);
  writeFile(path, bytes);
  ZipReader zip = ZipReader::open(path);
  EXPECT_EQ(errorOf([&] { zip.read(*zip.find("x/code.py")); }),
            path + ": entry 'x/code.py' holds corrupt deflated data");

  std::string badCrc = makeZip({{"x/code.py", longText(), true}});
  badCrc[centralField(badCrc, 16)] ^= 0x5a;
  writeFile(path, badCrc);
  ZipReader zip2 = ZipReader::open(path);
  EXPECT_EQ(errorOf([&] { zip2.read(*zip2.find("x/code.py")); }),
            path + ": entry 'x/code.py' fails its CRC check");
}

TEST(ZipReader, RefusesAnAbsurdInflatedSize) {
  const std::string path = tempPath("bomb.pt");
  std::string bytes = makeZip({{"x/code.py", longText(), true}});
  bytes[centralField(bytes, 24 + 3)] = 0x7f;  // claims ~2 GiB from a few hundred bytes
  writeFile(path, bytes);
  ZipReader zip = ZipReader::open(path);
  EXPECT_NE(errorOf([&] {
              zip.read(*zip.find("x/code.py"));
            }).find("more than its deflated data can hold"),
            std::string::npos);
}

TEST(ZipReader, ReportsABrokenZip64Locator) {
  const std::string path = tempPath("zip64_locator.pt");
  std::string bytes = makeZip({{"x/data/0", "abc", false}}, /*zip64=*/true);
  size_t record = bytes.find("PK\x06\x06");
  bytes[record + 2] = 'X';  // the locator now points at no ZIP64 end record
  writeFile(path, bytes);
  EXPECT_EQ(openError(path), path +
                                 ": corrupt zip archive: the ZIP64 locator points at no ZIP64 "
                                 "end-of-central-directory record");
}

}  // namespace
}  // namespace ts2coreml::archive
