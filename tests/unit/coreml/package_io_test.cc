#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/error.h"
#include "coreml/atomic_output.h"
#include "coreml/mlpackage.h"
#include "coreml/model_file.h"
#include "temp_dir.h"

namespace ts2coreml::coreml {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t entriesIn(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicOutput, CommitReplacesAnExistingDirectory) {
  testing::TempDir dir;
  const std::string target = dir.file("out.mlpackage");
  fs::create_directories(fs::path(target) / "old");
  std::ofstream(fs::path(target) / "Manifest.json") << "{}";  // an existing package
  {
    AtomicOutput output(target, AtomicOutput::Kind::Directory);
    std::ofstream(fs::path(output.tempPath()) / "new.txt") << "new";
    EXPECT_TRUE(fs::exists(fs::path(target) / "old"));  // untouched before commit
    output.commit();
  }
  EXPECT_TRUE(fs::exists(fs::path(target) / "new.txt"));
  EXPECT_FALSE(fs::exists(fs::path(target) / "old"));
  EXPECT_EQ(entriesIn(dir.path()), 1u);  // no temporaries or backups left
}

TEST(AtomicOutput, RefusesToReplaceWhatIsNotAModelOfItsKind) {
  testing::TempDir dir;
  const std::string folder = dir.file("my.mlpackage");
  fs::create_directories(folder);
  std::ofstream(fs::path(folder) / "precious.txt") << "keep";
  EXPECT_THROW(AtomicOutput(folder, AtomicOutput::Kind::Directory), Error);
  const std::string directoryAsFile = dir.file("x.mlmodel");
  fs::create_directories(directoryAsFile);
  EXPECT_THROW(AtomicOutput(directoryAsFile, AtomicOutput::Kind::File), Error);
  EXPECT_TRUE(fs::exists(fs::path(folder) / "precious.txt"));
  EXPECT_EQ(entriesIn(dir.path()), 2u);  // nothing created beside them
}

TEST(AtomicOutput, WithoutCommitNothingIsLeftAndTheOldTargetStays) {
  testing::TempDir dir;
  const std::string target = dir.file("model.mlmodel");
  std::ofstream(target) << "previous";
  try {
    AtomicOutput output(target, AtomicOutput::Kind::File);
    std::ofstream(output.tempPath()) << "half";
    throw Error("writer failed");
  } catch (const Error&) {
  }
  EXPECT_EQ(slurp(target), "previous");
  EXPECT_EQ(entriesIn(dir.path()), 1u);

  {
    AtomicOutput output(dir.file("fresh.mlpackage"), AtomicOutput::Kind::Directory);
    EXPECT_TRUE(fs::is_directory(output.tempPath()));
  }
  EXPECT_FALSE(fs::exists(dir.file("fresh.mlpackage")));
  EXPECT_EQ(entriesIn(dir.path()), 1u);
}

TEST(AtomicOutput, MissingParentDirectoryIsAnError) {
  testing::TempDir dir;
  EXPECT_THROW(AtomicOutput(dir.file("no/such/dir/x.mlmodel"), AtomicOutput::Kind::File), Error);
}

TEST(MLPackage, ManifestHasTheDocumentedStructure) {
  testing::TempDir dir;
  const std::string pkg = dir.file("m.mlpackage");
  fs::create_directory(pkg);
  PackageLayout layout = createPackageDirectories(pkg);
  std::ofstream(layout.modelFile) << "x";
  writeManifest(pkg);

  auto manifest = nlohmann::json::parse(slurp(layout.manifest));
  EXPECT_EQ(manifest["fileFormatVersion"], "1.0.0");
  ASSERT_EQ(manifest["itemInfoEntries"].size(), 2u);
  const std::regex uuid("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}");
  std::map<std::string, std::string> pathByName;
  for (const auto& [id, item] : manifest["itemInfoEntries"].items()) {
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_EQ(item["author"], "com.apple.CoreML");
    pathByName[item["name"]] = item["path"];
  }
  EXPECT_EQ(pathByName["model.mlmodel"], "com.apple.CoreML/model.mlmodel");
  EXPECT_EQ(pathByName["weights"], "com.apple.CoreML/weights");
  const std::string root = manifest["rootModelIdentifier"];
  EXPECT_EQ(manifest["itemInfoEntries"][root]["description"], "CoreML Model Specification");
  // 4-space indentation as Apple's writer produces.
  EXPECT_NE(slurp(layout.manifest).find("\n    \"fileFormatVersion\""), std::string::npos);

  PackageLayout read = readPackage(pkg);
  EXPECT_EQ(fs::path(read.modelFile), fs::path(layout.modelFile));
  EXPECT_EQ(fs::path(read.weightFile), fs::path(layout.weightFile));
}

TEST(MLPackage, ReaderRejectsBrokenManifests) {
  testing::TempDir dir;
  const std::string pkg = dir.file("m.mlpackage");
  fs::create_directory(pkg);
  EXPECT_THROW(readPackage(pkg), Error);  // no manifest
  PackageLayout layout = createPackageDirectories(pkg);
  writeManifest(pkg);  // the model file does not exist yet
  try {
    readPackage(pkg);
    FAIL() << "missing item accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  std::ofstream(layout.manifest) << R"({"fileFormatVersion": "2.0.0", "itemInfoEntries": {},
                                        "rootModelIdentifier": "x"})";
  EXPECT_THROW(readPackage(pkg), Error);
}

TEST(ModelFile, RoundTripsAModelThroughAFileAndAPackage) {
  testing::TempDir dir;
  CoreML::Specification::Model model;
  model.set_specificationversion(6);
  auto* input = model.mutable_description()->add_input();
  input->set_name("x");
  auto* array = input->mutable_type()->mutable_multiarraytype();
  array->add_shape(2);
  array->set_datatype(CoreML::Specification::ArrayFeatureType::FLOAT32);
  auto& function = (*model.mutable_mlprogram()->mutable_functions())["main"];
  function.set_opset("CoreML5");
  model.mutable_mlprogram()->set_version(1);

  saveMLModel(model, dir.file("a.mlmodel"));
  auto back = readModel(dir.file("a.mlmodel"));
  EXPECT_EQ(back.SerializeAsString(), model.SerializeAsString());
  // The wire format starts with field 1 (specificationVersion) = 6, as the summary says.
  auto bytes = slurp(dir.file("a.mlmodel"));
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0x08);
  EXPECT_EQ(static_cast<uint8_t>(bytes[1]), 0x06);

  const std::string pkg = dir.file("b.mlpackage");
  fs::create_directory(pkg);
  PackageLayout layout = createPackageDirectories(pkg);
  writeModelFile(model, layout.modelFile);
  writeManifest(pkg);
  EXPECT_EQ(readModel(pkg).mlprogram().functions().at("main").opset(), "CoreML5");

  std::ofstream(dir.file("junk.mlmodel")) << "\xff\xff\xff not a protobuf";
  EXPECT_THROW(readModel(dir.file("junk.mlmodel")), Error);
}

}  // namespace
}  // namespace ts2coreml::coreml
