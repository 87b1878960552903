// Executes compiled ML program blocks. Names resolve through nested scopes (a block sees its own
// inputs and values, then those of every enclosing block and the function inputs). Every op
// output is converted to its declared dtype (so fp16 values are rounded to fp16 after every op)
// and checked against its declared shape.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/mil/mil_program.h"

namespace ts2coreml::runtime::mil {

class Scope {
 public:
  explicit Scope(const Scope* parent = nullptr) : parent_(parent) {}
  const MilValue* find(const std::string& name) const;
  void set(const std::string& name, MilValue value) { values_[name] = std::move(value); }

 private:
  const Scope* parent_;
  std::unordered_map<std::string, MilValue> values_;
};

// Runs `block` in a new scope under `parent`, binding its inputs to `inputs` (converted to the
// declared input dtypes), and returns the values its outputs name.
std::vector<MilValue> runBlock(const CompiledBlock& block, const Scope& parent,
                               const std::vector<MilValue>& inputs);

// Converts `value` to `spec`'s dtype and checks its shape. Messages name the value as an output
// of `producer`, or as a block input when `producer` is null.
MilValue conformTo(const ValueSpec& spec, MilValue value, const CompiledOp* producer);

}  // namespace ts2coreml::runtime::mil
