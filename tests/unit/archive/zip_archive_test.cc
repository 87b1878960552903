#include "archive/zip_archive.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "test_zip_writer.h"

namespace ts2coreml::archive {
namespace {

using testing::makeZip;
using testing::TestZipEntry;
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

void expectErrorContaining(const std::string& path, const std::string& fragment) {
  try {
    ZipArchive::open(path);
    FAIL() << "no error for " << path;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

class ZipArchiveTest : public ::testing::TestWithParam<bool> {};

TEST_P(ZipArchiveTest, ReadsStoredAndDeflatedEntries) {
  const bool zip64 = GetParam();
  const std::string path = tempPath(zip64 ? "entries64.zip" : "entries.zip");
  const std::string code = longText();
  writeFile(path, makeZip({{"m/data/0", std::string("\x01\x02\x03\x04", 4), false},
                           {"m/code/__torch__.py", code, true},
                           {"m/empty", "", false}},
                          zip64));
  ZipArchive zip = ZipArchive::open(path);
  ASSERT_EQ(zip.entries().size(), 3u);
  EXPECT_EQ(zip.entries()[0].name, "m/data/0");

  const ZipEntry* stored = zip.find("m/data/0");
  ASSERT_NE(stored, nullptr);
  auto storedBytes = zip.read(*stored);
  EXPECT_EQ(text(*storedBytes), std::string("\x01\x02\x03\x04", 4));
  EXPECT_FALSE(storedBytes->isOwned()) << "stored entries must be views into the mapping";

  const ZipEntry* deflated = zip.find("m/code/__torch__.py");
  ASSERT_NE(deflated, nullptr);
  EXPECT_EQ(deflated->method, 8);
  EXPECT_LT(deflated->compressedSize, code.size());
  EXPECT_EQ(text(*zip.read(*deflated)), code);

  EXPECT_EQ(zip.read(*zip.find("m/empty"))->size(), 0u);
  EXPECT_EQ(zip.find("m/missing"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(ClassicAndZip64, ZipArchiveTest, ::testing::Values(false, true));

TEST(ZipArchive, StoredViewOutlivesTheArchiveObject) {
  const std::string path = tempPath("outlive.zip");
  writeFile(path, makeZip({{"m/data/0", "payload", false}}));
  std::shared_ptr<Buffer> bytes;
  {
    ZipArchive zip = ZipArchive::open(path);
    bytes = zip.read(*zip.find("m/data/0"));
  }
  EXPECT_EQ(text(*bytes), "payload");  // the buffer holds the mapping alive
}

TEST(ZipArchive, RefusesAFileThatIsNotAZip) {
  const std::string path = tempPath("notazip.pt");
  writeFile(path, std::string(100, 'x'));
  expectErrorContaining(path, "notazip.pt: not a zip archive (no end-of-central-directory record)");
  writeFile(path, "tiny");
  expectErrorContaining(path, "not a zip archive");
}

TEST(ZipArchive, ReportsAMissingFile) {
  expectErrorContaining(tempPath("does_not_exist.pt"), "does_not_exist.pt: cannot open");
}

TEST(ZipArchive, ReportsAnEntryRunningPastTheEndOfTheFile) {
  const std::string path = tempPath("truncated.pt");
  std::string bytes = makeZip({{"x/data/0", std::string(64, 'a'), false}});
  // Claim a larger size in the central directory (compressed and uncompressed size fields).
  size_t central = bytes.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  for (size_t field : {central + 20, central + 24}) {
    bytes[field] = 0;
    bytes[field + 1] = 0x10;  // 4096 bytes
  }
  writeFile(path, bytes);
  ZipArchive zip = ZipArchive::open(path);
  try {
    zip.read(*zip.find("x/data/0"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": truncated archive: entry 'x/data/0' runs past the end of the file");
  }
}

TEST(ZipArchive, ReportsACutOffCentralDirectory) {
  const std::string path = tempPath("cut.pt");
  std::string bytes = makeZip({{"x/data/0", "abc", false}});
  // Keep the EOCD but drop most of the central directory before it.
  size_t central = bytes.find("PK\x01\x02");
  size_t eocd = bytes.find("PK\x05\x06");
  std::string cut = bytes.substr(0, central + 10) + bytes.substr(eocd);
  writeFile(path, cut);
  expectErrorContaining(path, "cut.pt: truncated archive: the central directory");
}

TEST(ZipArchive, ReportsCorruptDeflatedData) {
  const std::string path = tempPath("corrupt_deflate.pt");
  std::string bytes = makeZip({{"x/code.py", longText(), true}});
  size_t data = bytes.find("ZZZ") + 3;
  for (size_t i = data; i < data + 40; ++i) bytes[i] = static_cast<char>(0xff);
  writeFile(path, bytes);
  ZipArchive zip = ZipArchive::open(path);
  try {
    zip.read(*zip.find("x/code.py"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt deflated data in entry 'x/code.py'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ts2coreml::archive
