// TorchScriptArchive on hand-made zips and damaged copies of the real fixtures: records,
// version and byte order, and the errors a user sees for files that are not usable archives.
#include "archive/torchscript_archive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "core/error.h"
#include "fixture_facts.h"
#include "pickle_builder.h"
#include "test_zip_writer.h"

namespace ts2coreml::archive {
namespace {

using testing::kFixtureDir;
using testing::makeZip;
using testing::TestZipEntry;
using testing::writeFile;

const std::string kEmptyTuplePickle("\x80\x02)\x2e", 4);  // what torch writes for ()

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A minimal archive under top folder `m/` with the given extra records.
std::string writeArchive(const std::string& name, std::vector<TestZipEntry> records) {
  std::vector<TestZipEntry> entries = {{"m/data.pkl", kEmptyTuplePickle, false},
                                       {"m/code/__torch__.py", "class M(Module):\n", false}};
  entries.insert(entries.end(), records.begin(), records.end());
  const std::string path = ::testing::TempDir() + name;
  writeFile(path, makeZip(entries));
  return path;
}

TEST(TorchScriptArchive, RefusesADataPickleNamingOsSystem) {
  const std::string path = kFixtureDir + "os_system.pt";
  auto archive = TorchScriptArchive::open(path);  // the container itself is fine
  EXPECT_EQ(errorOf([&] { archive.loadData(); }),
            path +
                ": data.pkl: global 'os.system' is not allowed (only TorchScript's own globals "
                "are loaded)");
}

TEST(TorchScriptArchive, ReportsTruncatedCopiesOfARealArchive) {
  const std::string bytes = readFile(kFixtureDir + "conv_scripted_t2.13.pt");
  ASSERT_GT(bytes.size(), 1000u);
  const std::string path = ::testing::TempDir() + "model.pt";
  for (size_t keep : {bytes.size() - 1, bytes.size() - 30, bytes.size() / 2, size_t{100}}) {
    writeFile(path, bytes.substr(0, keep));
    EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(path); }),
              path +
                  ": truncated archive: it starts like a zip file but has no "
                  "end-of-central-directory record")
        << "kept " << keep << " bytes";
  }
}

TEST(TorchScriptArchive, ReportsMissingEntriesAndFilesThatAreNotArchives) {
  const std::string path = kFixtureDir + "conv_scripted_t2.13.pt";
  auto archive = TorchScriptArchive::open(path);
  EXPECT_EQ(errorOf([&] { archive.read("code/nothing.py"); }),
            path + ": missing archive entry 'conv_scripted_t2.13/code/nothing.py'");

  const std::string text = kFixtureDir + "conv_scripted_t2.13.expected";
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(text); }),
            text + ": not a zip archive (no end-of-central-directory record)");
  const std::string absent = kFixtureDir + "absent.pt";
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(absent); }),
            absent + ": cannot open: No such file or directory");

  const std::string plainZip = ::testing::TempDir() + "plain.zip";
  writeFile(plainZip, makeZip({{"docs/readme.txt", "hello", false}}));
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(plainZip); }),
            plainZip + ": not a TorchScript archive (no docs/data.pkl)");

  const std::string stateDict = ::testing::TempDir() + "state_dict.pt";
  writeFile(stateDict,
            makeZip({{"sd/data.pkl", kEmptyTuplePickle, false}, {"sd/version", "3\n", false}}));
  EXPECT_NE(errorOf([&] {
              TorchScriptArchive::open(stateDict);
            }).find("not a TorchScript archive (no sd/code/; a file from torch.save"),
            std::string::npos);

  const std::string flat = ::testing::TempDir() + "flat.zip";
  writeFile(flat, makeZip({{"data.pkl", kEmptyTuplePickle, false}}));
  EXPECT_NE(errorOf([&] { TorchScriptArchive::open(flat); }).find("not under one top folder"),
            std::string::npos);
}

TEST(TorchScriptArchive, ReadsTheVersionRecord) {
  auto both = TorchScriptArchive::open(
      writeArchive("both.pt", {{"m/version", "3\n", false}, {"m/.data/version", "10\n", false}}));
  EXPECT_EQ(both.version(), 10);  // `.data/version` wins, as in torch's reader
  EXPECT_EQ(both.prefix(), "m/");
  EXPECT_EQ(
      TorchScriptArchive::open(writeArchive("old.pt", {{"m/version", "4\n", false}})).version(), 4);

  const std::string none = writeArchive("none.pt", {});
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(none); }),
            none + ": not a TorchScript archive (no m/.data/version or m/version record)");
  const std::string garbage = writeArchive("garbage.pt", {{"m/version", "3x\n", false}});
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(garbage); }),
            garbage + ": m/version holds '3x', not a format version number");
}

TEST(TorchScriptArchive, ReadsTheByteOrderAndRefusesBigEndian) {
  auto little = TorchScriptArchive::open(
      writeArchive("little.pt", {{"m/version", "3\n", false}, {"m/byteorder", "little", false}}));
  EXPECT_EQ(little.byteorder(), "little");
  auto absent = TorchScriptArchive::open(writeArchive("noorder.pt", {{"m/version", "3\n", false}}));
  EXPECT_EQ(absent.byteorder(), "little");

  const std::string big =
      writeArchive("big.pt", {{"m/version", "3\n", false}, {"m/byteorder", "big", false}});
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(big); }),
            big + ": big-endian archive (byteorder record 'big') is not supported");
}

TEST(TorchScriptArchive, ReportsMissingAndShortStorageRecords) {
  // data.pkl: a tensor of 4 floats in storage '0'.
  testing::Pickle builder;
  builder.tensor([](testing::Pickle& q) { q.storage("0", 4); }, 0, {4}, {1});
  const std::string pickle = builder.done();
  const std::string missing = ::testing::TempDir() + "missing_storage.pt";
  writeFile(missing, makeZip({{"m/data.pkl", pickle, false},
                              {"m/code/__torch__.py", "", false},
                              {"m/version", "3\n", false}}));
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(missing).loadData(); }),
            missing + ": data.pkl: storage record 'm/data/0' is missing");

  const std::string shortRecord = ::testing::TempDir() + "short_storage.pt";
  writeFile(shortRecord, makeZip({{"m/data/0", std::string(12, '\0'), false},
                                  {"m/data.pkl", pickle, false},
                                  {"m/code/__torch__.py", "", false},
                                  {"m/version", "3\n", false}}));
  EXPECT_EQ(errorOf([&] { TorchScriptArchive::open(shortRecord).loadData(); }),
            shortRecord +
                ": data.pkl: storage record 'm/data/0' holds 12 bytes, fewer than its 4 float32 "
                "elements need");

  const std::string good = ::testing::TempDir() + "good_storage.pt";
  std::string floats(16, '\0');
  floats[3] = '\x3f';  // 1.0f little-endian: 00 00 80 3f
  floats[2] = '\x80';
  writeFile(good, makeZip({{"m/data/0", floats, false},
                           {"m/data.pkl", pickle, false},
                           {"m/code/__torch__.py", "", false},
                           {"m/version", "3\n", false}}));
  IValue tensor = TorchScriptArchive::open(good).loadData();
  ASSERT_TRUE(tensor.isTensor());
  EXPECT_EQ(tensor.toTensor().shape(), (Shape{4}));
  EXPECT_EQ(tensor.toTensor().elementAsDouble(0), 1.0);
  EXPECT_EQ(tensor.toTensor().elementAsDouble(1), 0.0);
}

// Found by fuzz_compiler: zip tools other than torch do not pad stored records, so a float
// storage can start at an odd offset of the file; its tensor must still be aligned.
TEST(TorchScriptArchive, AlignsStorageRecordsStoredAtAnUnalignedOffset) {
  testing::Pickle builder;
  builder.tensor([](testing::Pickle& q) { q.storage("0", 4); }, 0, {4}, {1});
  const std::string pickle = builder.done();
  std::string floats(16, '\0');
  floats[2] = '\x80', floats[3] = '\x3f';  // 1.0f
  // First entry: its data starts after the 30-byte local header and the 8-byte name, at 38.
  const std::string path = ::testing::TempDir() + "unaligned_storage.pt";
  writeFile(path, makeZip({{"m/data/0", floats, false},
                           {"m/data.pkl", pickle, false},
                           {"m/code/__torch__.py", "", false},
                           {"m/version", "3\n", false}}));
  Tensor tensor = TorchScriptArchive::open(path).loadData().toTensor();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(tensor.rawData()) % alignof(float), 0u);
  EXPECT_EQ(tensor.data<float>()[0], 1.0f);
  EXPECT_EQ(tensor.elementAsDouble(1), 0.0);
}

TEST(TorchScriptArchive, IsCheapToCopyAndSharesTheMapping) {
  auto archive = TorchScriptArchive::open(kFixtureDir + "conv_scripted_t1.13.pt");
  TorchScriptArchive copy = archive;
  EXPECT_EQ(copy.path(), archive.path());
  EXPECT_EQ(copy.read("data.pkl")->data(), archive.read("data.pkl")->data());
}

}  // namespace
}  // namespace ts2coreml::archive
