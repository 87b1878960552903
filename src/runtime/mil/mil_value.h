// Runtime values of an ML program: tensors (scalars are rank-0 tensors) and strings (the string
// scalars of params such as pad_type or cast's dtype).
#pragma once

#include <string>
#include <variant>

#include "core/tensor.h"

namespace ts2coreml::runtime::mil {

class MilValue {
 public:
  MilValue() = default;
  MilValue(Tensor tensor) : value_(std::move(tensor)) {}
  MilValue(std::string text) : value_(std::move(text)) {}

  bool isTensor() const { return std::holds_alternative<Tensor>(value_); }
  bool isString() const { return std::holds_alternative<std::string>(value_); }
  const Tensor& tensor() const { return std::get<Tensor>(value_); }
  const std::string& string() const { return std::get<std::string>(value_); }
  // "fp32 tensor 1x3" / "string 'same'" for messages.
  std::string describe() const;

 private:
  std::variant<std::monostate, Tensor, std::string> value_;
};

}  // namespace ts2coreml::runtime::mil
