#include "core/mapped_file.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/tensor.h"
#include "test_zip_writer.h"

namespace ts2coreml::archive {
namespace {

std::string errorOf(const std::string& path) {
  try {
    MappedFile::open(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MappedFile, MapsTheWholeFileReadOnly) {
  const std::string path = ::testing::TempDir() + "mapped.bin";
  testing::writeFile(path, std::string("abc\0def", 7));
  auto mapped = MappedFile::open(path);
  EXPECT_EQ(mapped->path(), path);
  ASSERT_EQ(mapped->size(), 7u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(mapped->data()), 7),
            std::string("abc\0def", 7));
}

TEST(MappedFile, MapsAnEmptyFile) {
  const std::string path = ::testing::TempDir() + "empty.bin";
  testing::writeFile(path, "");
  auto mapped = MappedFile::open(path);
  EXPECT_EQ(mapped->size(), 0u);
}

TEST(MappedFile, NamesThePathWhenItCannotOpen) {
  const std::string missing = ::testing::TempDir() + "no_such_model.pt";
  EXPECT_EQ(errorOf(missing), missing + ": cannot open: No such file or directory");
  const std::string directory = ::testing::TempDir();
  EXPECT_EQ(errorOf(directory), directory + ": cannot open: it is a directory");
}

TEST(MappedFile, ABufferWrappingItKeepsTheMappingAlive) {
  const std::string path = ::testing::TempDir() + "alive.bin";
  testing::writeFile(path, "payload");
  std::shared_ptr<Buffer> view;
  {
    auto mapped = MappedFile::open(path);
    view = Buffer::wrap(mapped->data() + 3, 4, mapped);
  }  // the last named owner is gone; the buffer still holds the mapping
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(view->data()), view->size()), "load");
  EXPECT_FALSE(view->isOwned());
}

}  // namespace
}  // namespace ts2coreml::archive
