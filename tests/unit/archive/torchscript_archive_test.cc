// Reads the real archives written by tools/fixtures/make_archive_fixtures.py with torch 1.13 and
// 2.13 and compares with the facts torch itself reported (the .expected files beside them).
#include "archive/torchscript_archive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_zip_writer.h"

namespace ts2coreml::archive {
namespace {

const std::string kDir = std::string(TS2COREML_FIXTURES_DIR) + "/archive/";

// `key: value` lines.
std::map<std::string, std::string> readExpected(const std::string& name) {
  std::ifstream in(kDir + name);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::map<std::string, std::string> facts;
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    if (colon != std::string::npos) facts[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return facts;
}

std::vector<double> numbers(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> values;
  std::string word;
  while (in >> word) values.push_back(std::strtod(word.c_str(), nullptr));
  return values;
}

Shape shapeOf(const std::string& text) {
  Shape shape;
  for (double v : numbers(text)) shape.push_back(static_cast<int64_t>(v));
  return shape;
}

// Checks shape, stride, storage offset and every value against torch's report.
void expectTensor(const IValue& value, const std::map<std::string, std::string>& facts,
                  const std::string& key) {
  ASSERT_TRUE(value.isTensor()) << key << " is " << value.repr();
  const Tensor& t = value.toTensor();
  EXPECT_EQ(t.dtype(), DType::Float32) << key;
  EXPECT_EQ(t.shape(), shapeOf(facts.at(key + ".shape"))) << key;
  EXPECT_EQ(t.strides(), shapeOf(facts.at(key + ".stride"))) << key;
  EXPECT_EQ(t.offset(), static_cast<int64_t>(numbers(facts.at(key + ".offset")).at(0))) << key;
  std::vector<double> expected = numbers(facts.at(key + ".values"));
  ASSERT_EQ(static_cast<size_t>(t.numel()), expected.size()) << key;
  for (size_t i = 0; i < expected.size(); ++i) {
    // %.9g round-trips float32 exactly.
    EXPECT_EQ(static_cast<float>(t.elementAsDouble(static_cast<int64_t>(i))),
              static_cast<float>(expected[i]))
        << key << "[" << i << "]";
  }
  EXPECT_FALSE(t.buffer()->isOwned()) << key << " should be a view into the mapped file";
}

const IValue& attribute(const IValue& object, const std::string& name) {
  const IValue* value = object.toObject()->attribute(name);
  if (!value) throw Error("no attribute " + name);
  return *value;
}

class RealArchive : public ::testing::TestWithParam<std::string> {};

TEST_P(RealArchive, ScriptedModuleWeightsMatchTorch) {
  const std::string tag = GetParam();
  auto facts = readExpected("scripted_" + tag + ".expected");
  auto archive = TorchScriptArchive::open(kDir + "scripted_" + tag + ".pt");
  EXPECT_EQ(archive.prefix(), "scripted_" + tag + "/");
  EXPECT_EQ(archive.version(), 3);  // nothing in the model needs a newer format (reference 1.3)
  EXPECT_EQ(archive.byteorder(), "little");
  EXPECT_TRUE(archive.has("code/__torch__.py"));
  EXPECT_FALSE(archive.has("code/nothing.py"));

  IValue root = archive.loadData();
  ASSERT_TRUE(root.isObject());
  EXPECT_EQ(root.toObject()->className, "__torch__.Small");
  const IValue& conv = attribute(root, "conv");
  EXPECT_EQ(conv.toObject()->className, "__torch__.torch.nn.modules.conv.Conv2d");
  expectTensor(attribute(conv, "weight"), facts, "conv.weight");
  expectTensor(attribute(conv, "bias"), facts, "conv.bias");
  expectTensor(attribute(root, "window"), facts, "window");
  expectTensor(attribute(root, "transposed"), facts, "transposed");
  EXPECT_EQ(attribute(root, "window").toTensor().buffer().get(),
            attribute(root, "transposed").toTensor().buffer().get())
      << "views of one storage share one buffer";
  EXPECT_EQ(attribute(root, "scale").toDouble(), std::strtod(facts.at("scale").c_str(), nullptr));
  EXPECT_EQ(attribute(root, "name").toString(), facts.at("name"));
  EXPECT_EQ(attribute(root, "big").toInt(), std::stoll(facts.at("big")));

  IValue constants = archive.loadConstants();
  EXPECT_TRUE(constants.isTuple() && constants.items().empty());
}

TEST_P(RealArchive, CodeFilesAndDebugRanges) {
  const std::string tag = GetParam();
  auto facts = readExpected("scripted_" + tag + ".expected");
  auto archive = TorchScriptArchive::open(kDir + "scripted_" + tag + ".pt");
  std::vector<std::string> files = archive.codeFiles();
  EXPECT_NE(std::find(files.begin(), files.end(), "code/__torch__.py"), files.end());
  EXPECT_NE(std::find(files.begin(), files.end(), "code/__torch__/torch/nn/modules/conv.py"),
            files.end());
  for (const auto& file : files) EXPECT_EQ(file.rfind("code/", 0), 0u) << file;

  std::string code = archive.readText("code/__torch__.py");
  EXPECT_NE(code.find("class Small(Module):"), std::string::npos);
  size_t relu = code.find("torch.relu(");
  ASSERT_NE(relu, std::string::npos) << code;

  auto ranges = archive.debugRanges("code/__torch__.py");
  ASSERT_FALSE(ranges.empty());
  auto range = findDebugRange(ranges, relu);
  ASSERT_TRUE(range.has_value());
  // The same file and line torch's inlined_graph printed for aten::relu.
  EXPECT_EQ(range->pythonFile, facts.at("relu.file"));
  EXPECT_EQ(range->pythonLine, std::stoi(facts.at("relu.line")));
  EXPECT_LE(range->start, relu);
  EXPECT_GT(range->end, relu);
  EXPECT_TRUE(archive.debugRanges("code/missing.py").empty());
}

TEST_P(RealArchive, TracedModule) {
  const std::string tag = GetParam();
  auto facts = readExpected("traced_" + tag + ".expected");
  auto archive = TorchScriptArchive::open(kDir + "traced_" + tag + ".pt");
  IValue root = archive.loadData();
  const IValue& linear = attribute(root, "linear");
  expectTensor(attribute(linear, "weight"), facts, "linear.weight");
  expectTensor(attribute(linear, "bias"), facts, "linear.bias");

  auto inputs = archive.loadTracedInputs();
  if (tag == "t1.13") {
    EXPECT_FALSE(inputs.has_value()) << "torch 1.13 stores no traced inputs";
    return;
  }
  ASSERT_TRUE(inputs.has_value());
  ASSERT_TRUE(inputs->isDict());
  const auto& items = inputs->toDict()->items;
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].first.toString(), "forward");
  const IValue& example = items[0].second;
  const IValue& tensor = example.isTensor() ? example : example.items().at(0);
  ASSERT_TRUE(tensor.isTensor());
  // torch 2.13 writes the traced input storages as empty records (its own
  // _retrieve_traced_inputs() returns {} for them), so only dtype and shape are facts here.
  EXPECT_EQ(tensor.toTensor().dtype(), DType::Float32);
  EXPECT_EQ(tensor.toTensor().shape(), shapeOf(facts.at("example.shape")));
}

TEST_P(RealArchive, FrozenModuleKeepsWeightsInConstants) {
  const std::string tag = GetParam();
  auto facts = readExpected("frozen_" + tag + ".expected");
  auto archive = TorchScriptArchive::open(kDir + "frozen_" + tag + ".pt");
  EXPECT_TRUE(archive.has("constants/0"));
  IValue constants = archive.loadConstants();
  ASSERT_TRUE(constants.isTuple());
  ASSERT_EQ(constants.items().size(), std::stoul(facts.at("constants.count")));
  expectTensor(constants.items()[0], facts, "c0");
  expectTensor(constants.items()[1], facts, "c1");
  EXPECT_TRUE(archive.loadData().isObject());
}

INSTANTIATE_TEST_SUITE_P(TorchVersions, RealArchive, ::testing::Values("t1.13", "t2.13"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TorchScriptArchive, RefusesADataPickleNamingOsSystem) {
  const std::string path = kDir + "os_system.pt";
  auto archive = TorchScriptArchive::open(path);
  EXPECT_EQ(errorOf([&] { archive.loadData(); }),
            path +
                ": data.pkl: global 'os.system' is not allowed (only TorchScript's own globals "
                "are loaded)");
}

TEST(TorchScriptArchive, ReportsMissingEntriesAndNonArchives) {
  const std::string path = kDir + "scripted_t2.13.pt";
  auto archive = TorchScriptArchive::open(path);
  EXPECT_EQ(errorOf([&] { archive.read("code/nothing.py"); }),
            path + ": missing archive entry 'scripted_t2.13/code/nothing.py'");
  EXPECT_NE(errorOf([&] {
              TorchScriptArchive::open(kDir + "scripted_t2.13.expected");
            }).find("not a zip archive"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { TorchScriptArchive::open(kDir + "absent.pt"); }).find("absent.pt"),
            std::string::npos);

  const std::string plainZip = ::testing::TempDir() + "plain.zip";
  testing::writeFile(plainZip, testing::makeZip({{"docs/readme.txt", "hello", false}}));
  EXPECT_NE(errorOf([&] { TorchScriptArchive::open(plainZip); }).find("not a TorchScript archive"),
            std::string::npos);
}

TEST(TorchScriptArchive, ReadsVersionAndRefusesBigEndian) {
  const std::string empty = std::string("\x80\x02)\x2e", 4);
  const std::string path = ::testing::TempDir() + "v.pt";
  testing::writeFile(path, testing::makeZip({{"v/data.pkl", empty, false},
                                             {"v/version", "3\n", false},
                                             {"v/.data/version", "10\n", false}}));
  EXPECT_EQ(TorchScriptArchive::open(path).version(), 10);  // `.data/version` wins

  const std::string big = ::testing::TempDir() + "big.pt";
  testing::writeFile(big, testing::makeZip({{"b/data.pkl", empty, false},
                                            {"b/version", "3\n", false},
                                            {"b/byteorder", "big", false}}));
  EXPECT_NE(errorOf([&] { TorchScriptArchive::open(big); }).find("big-endian"), std::string::npos);
}

TEST(TorchScriptArchive, IsCheapToCopyAndSharesTheMapping) {
  auto archive = TorchScriptArchive::open(kDir + "scripted_t1.13.pt");
  TorchScriptArchive copy = archive;
  EXPECT_EQ(copy.path(), archive.path());
  EXPECT_EQ(copy.read("data.pkl")->data(), archive.read("data.pkl")->data());
}

}  // namespace
}  // namespace ts2coreml::archive
