// Reads the real archives written by tools/fixtures/make_archive_fixtures.py with torch 1.13 and
// 2.13 and compares with the facts torch itself reported (the .expected files beside them).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "archive/torchscript_archive.h"
#include "fixture_facts.h"

namespace ts2coreml::archive {
namespace {

using testing::attribute;
using testing::expectTensor;
using testing::Facts;
using testing::kFixtureDir;
using testing::numbers;
using testing::shapeOf;

class RealArchive : public ::testing::TestWithParam<std::string> {
 protected:
  std::string tag() const { return GetParam(); }
  TorchScriptArchive open(const std::string& stem) const {
    return TorchScriptArchive::open(kFixtureDir + stem + "_" + tag() + ".pt");
  }
  Facts facts(const std::string& stem) const { return Facts(stem + "_" + tag() + ".expected"); }
};

TEST_P(RealArchive, ScriptedConvNetWithAModuleList) {
  Facts expected = facts("conv_scripted");
  auto archive = open("conv_scripted");
  EXPECT_EQ(archive.prefix(), "conv_scripted_" + tag() + "/");
  EXPECT_EQ(archive.version(), 3);  // nothing in the model needs a newer format (reference 1.3)
  EXPECT_EQ(archive.byteorder(), "little");
  EXPECT_TRUE(archive.has("code/__torch__.py"));
  EXPECT_FALSE(archive.has("code/nothing.py"));

  IValue root = archive.loadData();
  ASSERT_TRUE(root.isObject());
  EXPECT_EQ(root.toObject()->className, expected.at("class"));
  const IValue& stem = attribute(root, "stem");
  EXPECT_EQ(stem.toObject()->className, expected.at("stem.class"));
  expectTensor(attribute(stem, "weight"), expected, "stem.weight");
  expectTensor(attribute(stem, "bias"), expected, "stem.bias");

  const IValue& blocks = attribute(root, "blocks");
  EXPECT_EQ(blocks.toObject()->className, expected.at("blocks.class"));
  const IValue& block0 = attribute(blocks, "0");
  const IValue& block1 = attribute(blocks, "1");
  EXPECT_EQ(block0.toObject()->className, expected.at("block.class"));
  EXPECT_EQ(block1.toObject()->className, expected.at("block.class"));
  expectTensor(attribute(attribute(block0, "conv"), "weight"), expected, "blocks.0.conv.weight");
  expectTensor(attribute(attribute(block1, "conv"), "weight"), expected, "blocks.1.conv.weight");
  expectTensor(attribute(attribute(block1, "conv"), "bias"), expected, "blocks.1.conv.bias");

  EXPECT_EQ(attribute(root, "scale").toDouble(), std::stod(expected.at("scale")));
  EXPECT_EQ(attribute(root, "name").toString(), expected.at("name"));
  EXPECT_EQ(attribute(root, "big").toInt(), std::stoll(expected.at("big")));
  const IValue& sizes = attribute(root, "sizes");
  ASSERT_TRUE(sizes.isList());
  EXPECT_EQ(sizes.toList()->typeTag, "List[int]");
  std::vector<double> sizeValues;
  for (const IValue& item : sizes.items()) sizeValues.push_back(static_cast<double>(item.toInt()));
  EXPECT_EQ(sizeValues, numbers(expected.at("sizes")));

  IValue constants = archive.loadConstants();
  EXPECT_TRUE(constants.isTuple() && constants.items().empty());
  EXPECT_FALSE(archive.loadTracedInputs().has_value());
}

TEST_P(RealArchive, DebugRangesGiveThePythonLinesTorchPrints) {
  Facts expected = facts("conv_scripted");
  auto archive = open("conv_scripted");
  std::vector<std::string> files = archive.codeFiles();
  for (const char* file : {"code/__torch__.py", "code/__torch__/torch/nn/modules/conv.py",
                           "code/__torch__/torch/nn/modules/container.py"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), file), files.end()) << file;
  }
  for (const auto& file : files) EXPECT_EQ(file.rfind("code/", 0), 0u) << file;

  // debug|<code file>|<text>: <python file>|<line>, from torch's inlined_graph comments.
  const std::vector<std::string> keys = expected.keysStartingWith("debug|");
  ASSERT_GE(keys.size(), 5u);
  for (const std::string& key : keys) {
    const size_t bar = key.find('|', 6);
    const std::string codeFile = key.substr(6, bar - 6), needle = key.substr(bar + 1);
    const std::string& where = expected.at(key);
    const std::string pythonFile = where.substr(0, where.rfind('|'));
    const int pythonLine = std::stoi(where.substr(where.rfind('|') + 1));

    const std::string code = archive.readText(codeFile);
    const size_t offset = code.find(needle);
    ASSERT_NE(offset, std::string::npos) << needle;
    auto ranges = archive.debugRanges(codeFile);
    ASSERT_FALSE(ranges.empty()) << codeFile;
    for (const auto& range : ranges) EXPECT_LE(range.end, code.size());
    auto range = findDebugRange(ranges, offset);
    ASSERT_TRUE(range.has_value()) << key;
    EXPECT_EQ(range->pythonFile, pythonFile) << key;
    EXPECT_EQ(range->pythonLine, pythonLine) << key;
    EXPECT_LE(range->start, offset);
    EXPECT_GT(range->end, offset);
  }
  EXPECT_TRUE(archive.debugRanges("code/missing.py").empty());
}

TEST_P(RealArchive, TracedLinear) {
  Facts expected = facts("linear_traced");
  auto archive = open("linear_traced");
  IValue root = archive.loadData();
  const IValue& linear = attribute(root, "linear");
  expectTensor(attribute(linear, "weight"), expected, "linear.weight");
  expectTensor(attribute(linear, "bias"), expected, "linear.bias");

  auto inputs = archive.loadTracedInputs();
  if (tag() == "t1.13") {
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
  // torch 2.13 writes the traced input storage records empty (0 bytes), so only dtype and shape
  // are facts here.
  EXPECT_EQ(dtypeName(tensor.toTensor().dtype()), expected.at("example.dtype"));
  EXPECT_EQ(tensor.toTensor().shape(), shapeOf(expected.at("example.shape")));
}

TEST_P(RealArchive, FrozenModuleKeepsWeightsInConstants) {
  Facts expected = facts("conv_frozen");
  auto archive = open("conv_frozen");
  EXPECT_TRUE(archive.has("constants/0"));
  IValue constants = archive.loadConstants();
  ASSERT_TRUE(constants.isTuple());
  const size_t count = std::stoul(expected.at("constants.count"));
  ASSERT_EQ(constants.items().size(), count);
  for (size_t i = 0; i < count; ++i) {
    expectTensor(constants.items()[i], expected, "c" + std::to_string(i));
  }
  EXPECT_TRUE(archive.loadData().isObject());
}

TEST_P(RealArchive, ViewsSharingAStorageAndOtherAttributeKinds) {
  Facts expected = facts("views_scripted");
  auto archive = open("views_scripted");
  IValue root = archive.loadData();
  for (const char* key : {"window", "transposed", "empty", "halves", "longs", "flags"}) {
    expectTensor(attribute(root, key), expected, key);
  }
  EXPECT_EQ(attribute(root, "window").toTensor().buffer().get(),
            attribute(root, "transposed").toTensor().buffer().get())
      << "views of one storage share one buffer";

  const IValue& color = attribute(root, "color");
  ASSERT_TRUE(color.isObject());
  EXPECT_EQ(color.toObject()->className, expected.at("color.class"));
  EXPECT_EQ(attribute(color, "value").toInt(), std::stoll(expected.at("color.value")));

  const IValue& table = attribute(root, "table");
  ASSERT_TRUE(table.isDict());
  EXPECT_EQ(table.toDict()->typeTag, "Dict[str, int]");
  std::string entries;
  for (const auto& [key, value] : table.toDict()->items) {
    entries += (entries.empty() ? "" : " ") + key.toString() + "=" + std::to_string(value.toInt());
  }
  EXPECT_EQ(entries, expected.at("table"));
}

INSTANTIATE_TEST_SUITE_P(TorchVersions, RealArchive, ::testing::Values("t1.13", "t2.13"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

}  // namespace
}  // namespace ts2coreml::archive
