// CoreMLModel: conversion from bytes in memory into a temporary model, save, load, predict.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "ts2coreml/model.h"

namespace ts2coreml {
namespace {

namespace fs = std::filesystem;

const std::string kArchive = std::string(TS2COREML_FIXTURES_DIR) + "/models/controlflow_t2.13.pt";

std::shared_ptr<const std::string> fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::make_shared<const std::string>(bytes.str());
}

ConvertOptions options(ModelFormat format) {
  ConvertOptions result;
  result.inputs.push_back({"", {1, 3, 64, 64}, DType::Float32});
  result.format = format;
  result.precision = Precision::Float32;
  return result;
}

// A deterministic input whose mean is negative (the branch with two loop iterations).
Tensor input() {
  Tensor x(DType::Float32, {1, 3, 64, 64});
  float* data = x.mutableData<float>();
  for (int64_t i = 0; i < x.numel(); ++i) data[i] = static_cast<float>(i % 7) - 4.0f;
  return x;
}

std::vector<float> values(const Tensor& tensor) {
  Tensor contiguous = tensor.contiguous();
  const float* data = contiguous.data<float>();
  return std::vector<float>(data, data + contiguous.numel());
}

class CoreMLModelTest : public ::testing::TestWithParam<ModelFormat> {
 protected:
  std::string extension() const {
    return GetParam() == ModelFormat::MLProgram ? ".mlpackage" : ".mlmodel";
  }
};

TEST_P(CoreMLModelTest, BytesAndFileGiveTheSameModel) {
  std::vector<std::string> stages;
  auto fromBytes =
      CoreMLModel::convert(ArchiveInput::bytes(fileBytes(kArchive)), options(GetParam()),
                           [&](std::string_view stage, double) { stages.emplace_back(stage); });
  EXPECT_EQ(stages, (std::vector<std::string>{"compile", "lower", "write", "done"}));
  auto fromFile = CoreMLModel::convert(ArchiveInput::file(kArchive), options(GetParam()));
  EXPECT_EQ(fromBytes->format(), GetParam());
  ASSERT_EQ(fromBytes->inputs().size(), 1u);
  EXPECT_EQ(fromBytes->inputs()[0].name, "x");
  EXPECT_EQ(fromBytes->outputs()[0].name, "output");
  auto a = fromBytes->predict({{"x", input()}});
  auto b = fromFile->predict({{"x", input()}});
  EXPECT_EQ(values(a.at("output")), values(b.at("output")));
}

TEST_P(CoreMLModelTest, SaveLoadAndTheTemporaryDirectory) {
  const std::string saved = ::testing::TempDir() + "api_saved" + extension();
  std::string tempModel;
  std::vector<float> expected;
  {
    auto model = CoreMLModel::convert(ArchiveInput::file(kArchive), options(GetParam()));
    tempModel = model->path();
    EXPECT_TRUE(fs::exists(tempModel));
    model->save(saved);
    expected = values(model->predict({{"x", input()}}).at("output"));
    auto loaded = CoreMLModel::load(saved);
    EXPECT_EQ(loaded->specBytes(), model->specBytes());
    EXPECT_NE(loaded->summary().find("x: float32 1x3x64x64"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(fs::path(tempModel).parent_path()));  // removed with the model
  auto loaded = CoreMLModel::load(saved);
  EXPECT_EQ(values(loaded->predict({{"x", input()}}).at("output")), expected);
  fs::remove_all(saved);
}

TEST_P(CoreMLModelTest, SaveRefusesTheOtherFormatsExtension) {
  auto model = CoreMLModel::convert(ArchiveInput::file(kArchive), options(GetParam()));
  const std::string other = GetParam() == ModelFormat::MLProgram ? ".mlmodel" : ".mlpackage";
  const std::string path = ::testing::TempDir() + "api_wrong" + other;
  EXPECT_THROW(model->save(path), Error);
  EXPECT_FALSE(fs::exists(path));
}

INSTANTIATE_TEST_SUITE_P(BothFormats, CoreMLModelTest,
                         ::testing::Values(ModelFormat::MLProgram, ModelFormat::NeuralNetwork),
                         [](const auto& info) {
                           return info.param == ModelFormat::MLProgram ? "mlprogram"
                                                                       : "neuralnetwork";
                         });

TEST(CoreMLModel, FailedConversionLeavesNoTemporaryDirectory) {
  // A private TMPDIR (this process only), so other tests and programs cannot disturb the count.
  const fs::path tmp = fs::path(::testing::TempDir()) / "api_private_tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  ASSERT_EQ(::setenv("TMPDIR", tmp.c_str(), 1), 0);
  ConvertOptions wrongRank = options(ModelFormat::MLProgram);
  wrongRank.inputs[0].shape = {3, 64};
  EXPECT_THROW(CoreMLModel::convert(ArchiveInput::file(kArchive), wrongRank), Error);
  EXPECT_TRUE(fs::is_empty(tmp));
  {
    auto model =
        CoreMLModel::convert(ArchiveInput::file(kArchive), options(ModelFormat::MLProgram));
    EXPECT_FALSE(fs::is_empty(tmp));  // the check above can see a directory
  }
  EXPECT_TRUE(fs::is_empty(tmp));
  ::unsetenv("TMPDIR");
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace ts2coreml
