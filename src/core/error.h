// The one error type of the converter: a one-line message that already names the problem and
// where it is (archive entry, source line, op). The CLI prints `error: <message>`.
#pragma once

#include <stdexcept>
#include <string>

namespace ts2coreml {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace ts2coreml
