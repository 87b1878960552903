// Reads the `<fixture>.expected` files written by tools/fixtures/make_archive_fixtures.py (facts
// torch reported about the archive it saved) and compares tensors with them.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ivalue.h"

namespace ts2coreml::archive::testing {

inline const std::string kFixtureDir = std::string(TS2COREML_FIXTURES_DIR) + "/archive/";

// `key: value` lines, in file order.
class Facts {
 public:
  explicit Facts(const std::string& name) {
    std::ifstream in(kFixtureDir + name);
    EXPECT_TRUE(in) << "missing fixture " << name;
    std::string line;
    while (std::getline(in, line)) {
      size_t colon = line.find(": ");
      if (colon == std::string::npos && line.size() > 1 && line.back() == ':')
        colon = line.size() - 1;
      if (colon == std::string::npos) continue;
      std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
      order_.push_back(line.substr(0, colon));
      facts_[order_.back()] = value;
    }
  }
  const std::string& at(const std::string& key) const {
    auto it = facts_.find(key);
    if (it == facts_.end()) throw Error("fixture has no fact '" + key + "'");
    return it->second;
  }
  // Keys starting with `prefix`, in file order.
  std::vector<std::string> keysStartingWith(const std::string& prefix) const {
    std::vector<std::string> keys;
    for (const auto& key : order_) {
      if (key.rfind(prefix, 0) == 0) keys.push_back(key);
    }
    return keys;
  }

 private:
  std::map<std::string, std::string> facts_;
  std::vector<std::string> order_;
};

inline std::vector<double> numbers(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> values;
  std::string word;
  while (in >> word) values.push_back(std::strtod(word.c_str(), nullptr));
  return values;
}

inline Shape shapeOf(const std::string& text) {
  Shape shape;
  for (double v : numbers(text)) shape.push_back(static_cast<int64_t>(v));
  return shape;
}

// Checks dtype, shape, stride, storage offset and every value against torch's report, and that
// the tensor is a view into the mapped archive (no copy).
inline void expectTensor(const IValue& value, const Facts& facts, const std::string& key) {
  ASSERT_TRUE(value.isTensor()) << key << " is " << value.repr();
  const Tensor& t = value.toTensor();
  EXPECT_EQ(dtypeName(t.dtype()), facts.at(key + ".dtype")) << key;
  EXPECT_EQ(t.shape(), shapeOf(facts.at(key + ".shape"))) << key;
  EXPECT_EQ(t.strides(), shapeOf(facts.at(key + ".stride"))) << key;
  EXPECT_EQ(t.offset(), std::stoll(facts.at(key + ".offset"))) << key;
  std::vector<double> expected = numbers(facts.at(key + ".values"));
  ASSERT_EQ(static_cast<size_t>(t.numel()), expected.size()) << key;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double actual = t.elementAsDouble(static_cast<int64_t>(i));
    if (t.dtype() == DType::Float32) {  // %.9g round-trips float32 exactly
      EXPECT_EQ(static_cast<float>(actual), static_cast<float>(expected[i]))
          << key << "[" << i << "]";
    } else {  // float16, integers and bools print exactly
      EXPECT_EQ(actual, expected[i]) << key << "[" << i << "]";
    }
  }
  if (t.numel() > 0) {
    EXPECT_FALSE(t.buffer()->isOwned()) << key << " should be a view into the mapped file";
  }
}

inline const IValue& attribute(const IValue& object, const std::string& name) {
  if (!object.isObject()) throw Error("not an object: " + object.repr());
  const IValue* value = object.toObject()->attribute(name);
  if (!value) throw Error(object.toObject()->className + " has no attribute " + name);
  return *value;
}

}  // namespace ts2coreml::archive::testing
