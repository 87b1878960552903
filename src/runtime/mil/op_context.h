// What an op function sees: its inputs by MIL parameter name (with typed accessors that apply the
// op's defaults when an optional input is absent), its declared outputs, and its nested blocks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/mil/mil_interpreter.h"

namespace ts2coreml::runtime::mil {

class OpContext {
 public:
  OpContext(const CompiledOp& op, const Scope& scope);

  const CompiledOp& op() const { return op_; }

  bool has(const std::string& param) const;
  // All values bound to `param` (several for variadic params such as concat.values).
  const std::vector<const MilValue*>& values(const std::string& param) const;
  // The single value of a required param.
  const MilValue& value(const std::string& param) const;
  const Tensor& tensor(const std::string& param) const;
  std::optional<Tensor> optionalTensor(const std::string& param) const;
  std::vector<Tensor> tensors(const std::string& param) const;

  // Scalars (one-element tensors) and vectors; `fallback` is used when the param is absent, and
  // an absent param without fallback is an Error.
  int64_t intArg(const std::string& param, std::optional<int64_t> fallback = std::nullopt) const;
  double floatArg(const std::string& param, std::optional<double> fallback = std::nullopt) const;
  bool boolArg(const std::string& param, std::optional<bool> fallback = std::nullopt) const;
  std::string stringArg(const std::string& param,
                        std::optional<std::string> fallback = std::nullopt) const;
  std::vector<int64_t> intsArg(const std::string& param,
                               std::optional<std::vector<int64_t>> fallback = std::nullopt) const;
  std::optional<std::vector<int64_t>> optionalInts(const std::string& param) const;
  std::vector<bool> boolsArg(const std::string& param) const;  // absent: empty

  size_t numOutputs() const { return op_.outputs.size(); }
  const ValueSpec& outputSpec(size_t i) const { return op_.outputs.at(i); }
  void setOutput(size_t i, MilValue value);
  void setOutput(Tensor tensor) { setOutput(0, MilValue(std::move(tensor))); }
  std::vector<MilValue>& outputs() { return outputs_; }

  size_t numBlocks() const { return op_.blocks.size(); }
  // Runs nested block `i` with the given block inputs in a scope under this op's scope.
  std::vector<MilValue> runBlock(size_t i, const std::vector<MilValue>& inputs) const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  const std::vector<const MilValue*>* find(const std::string& param) const;

  const CompiledOp& op_;
  const Scope& scope_;
  // Param names point into the compiled op (no copies per execution).
  std::vector<std::pair<const std::string*, std::vector<const MilValue*>>> inputs_;
  std::vector<MilValue> outputs_;
};

}  // namespace ts2coreml::runtime::mil
