// Archives read from bytes in memory (torch.jit.save into a buffer, the Python package's path).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "archive/torchscript_archive.h"
#include "archive/zip_reader.h"
#include "core/error.h"
#include "test_zip_writer.h"

namespace ts2coreml::archive {
namespace {

std::shared_ptr<const std::string> fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::make_shared<const std::string>(bytes.str());
}

ArchiveBytes inMemory(const std::shared_ptr<const std::string>& bytes, std::string name) {
  return ArchiveBytes{std::move(name), reinterpret_cast<const uint8_t*>(bytes->data()),
                      bytes->size(), bytes};
}

TEST(InMemoryZip, StoredEntriesAreViewsThatKeepTheBytesAlive) {
  auto bytes = std::make_shared<const std::string>(testing::makeZip(
      {{"m/data/0", "payload", false}, {"m/code/a.py", std::string(300, 'c'), true}}));
  const uint8_t* begin = reinterpret_cast<const uint8_t*>(bytes->data());
  const uint8_t* end = begin + bytes->size();
  std::shared_ptr<Buffer> stored;
  {
    ZipReader zip = ZipReader::fromBytes(inMemory(bytes, "<buffer>"));
    EXPECT_EQ(zip.path(), "<buffer>");
    ASSERT_EQ(zip.entries().size(), 2u);
    stored = zip.read(*zip.find("m/data/0"));
    EXPECT_EQ(
        std::string(reinterpret_cast<const char*>(zip.read(*zip.find("m/code/a.py"))->data()), 300),
        std::string(300, 'c'));
  }
  // No copy: the view points into the caller's bytes, which it keeps alive.
  EXPECT_GE(stored->data(), begin);
  EXPECT_LT(stored->data(), end);
  bytes.reset();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(stored->data()), stored->size()), "payload");
}

TEST(InMemoryZip, ErrorsNameTheGivenName) {
  auto bytes = std::make_shared<const std::string>(100, 'x');
  try {
    ZipReader::fromBytes(inMemory(bytes, "<archive bytes>"));
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "<archive bytes>: not a zip archive (no end-of-central-directory record)");
  }
}

TEST(InMemoryArchive, ReadsTheSameAsTheFile) {
  const std::string path = std::string(TS2COREML_FIXTURES_DIR) + "/models/controlflow_t2.13.pt";
  TorchScriptArchive fromFile = TorchScriptArchive::open(path);
  TorchScriptArchive fromBytes = TorchScriptArchive::fromBytes(inMemory(fileBytes(path), "<m>"));
  EXPECT_EQ(fromBytes.path(), "<m>");
  EXPECT_EQ(fromBytes.prefix(), fromFile.prefix());
  EXPECT_EQ(fromBytes.version(), fromFile.version());
  EXPECT_EQ(fromBytes.codeFiles(), fromFile.codeFiles());
  for (const std::string& code : fromFile.codeFiles()) {
    EXPECT_EQ(fromBytes.readText(code), fromFile.readText(code));
  }
  EXPECT_EQ(fromBytes.loadData().repr(), fromFile.loadData().repr());
}

}  // namespace
}  // namespace ts2coreml::archive
