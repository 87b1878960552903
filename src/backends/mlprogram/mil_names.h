// Names of everything an ML program refers to. MIL identifiers must match
// [A-Za-z_][A-Za-z0-9_]*, be unique in their scope, and model inputs/outputs keep their feature
// names. We make every name unique program-wide (simplest rule that is always valid), except that
// both blocks of a while_loop name their per-iteration inputs alike, as coremltools does.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ts2coreml::backends {

// `text` turned into a valid MIL identifier ("input.1" -> "input_1", "1x" -> "_1x"); MIL type
// keywords ("bool", "fp32", ...) get a "_" appended.
std::string sanitizeMilIdentifier(const std::string& text);

class MilNamer {
 public:
  // Names every value and op of `graph`. Graph input names are kept (sanitized); graph outputs
  // take graph.outputNames(): the producing op's output is renamed when possible, else
  // needsOutputIdentity() says an `identity` op must produce the output under that name.
  explicit MilNamer(const ir::Graph& graph);

  const std::string& valueName(const ir::Value* value) const;
  const std::string& opName(const ir::Node* node) const;
  const std::string& inputName(size_t i) const { return inputNames_.at(i); }
  const std::string& outputName(size_t i) const { return outputNames_.at(i); }
  bool needsOutputIdentity(size_t i) const { return outputIdentity_.at(i); }
  // Core ML has no scalar model inputs: a rank-0 graph input becomes a [1] function input that a
  // `squeeze` turns back into the scalar (named valueName(input), the squeeze's axes const
  // named scalarAxesName(i)), as coremltools does.
  bool isScalarInput(size_t i) const { return scalarInputs_.at(i); }
  const std::string& scalarAxesName(size_t i) const { return scalarAxes_.at(i); }

 private:
  std::string reserve(const std::string& base);  // unique variant of `base`
  std::string generated(const std::string& type);
  void nameBlock(const ir::Block& block);

  std::set<std::string> used_;
  std::map<std::string, int> counters_;
  std::map<const ir::Value*, std::string> values_;
  std::map<const ir::Node*, std::string> ops_;
  std::vector<std::string> inputNames_;
  std::vector<std::string> outputNames_;
  std::vector<bool> outputIdentity_;
  std::vector<bool> scalarInputs_;
  std::vector<std::string> scalarAxes_;
};

}  // namespace ts2coreml::backends
