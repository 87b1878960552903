// The one error type of the converter: a one-line message that already names the problem and
// where it is (archive entry, source line, op). The CLI prints `error: <message>`.
#pragma once

#include <stdexcept>
#include <string>

namespace ts2coreml {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  // `cause` with `where` (a source location such as "model.py:3 (code/...)") in front. Errors
  // raised where the location is not known (schema binding, constant folding, IValue accessors)
  // get it this way from the one place that knows it, once: located() tells it is done.
  Error(const std::string& where, const Error& cause)
      : std::runtime_error(where + ": " + cause.what()), located_(true) {}
  bool located() const { return located_; }

 private:
  bool located_ = false;
};

}  // namespace ts2coreml
