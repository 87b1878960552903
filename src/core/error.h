// The one error type of the converter: a one-line message that already names the problem and
// where it is (archive entry, source line, op). The CLI prints `error: <message>`.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ts2coreml {

// Input quoted in a message (a name, a path, a token) is cut to this many bytes: a hostile
// archive can hold a 1 MB global name, and echoing it makes an unreadable error line.
constexpr size_t kMaxQuotedInput = 200;
// The whole message is cut to this many bytes (its start names the place, its end the detail).
constexpr size_t kMaxErrorMessage = 1000;

// `text` when short, else its first kMaxQuotedInput bytes and "... (N bytes)".
inline std::string quoteInput(std::string_view text, size_t limit = kMaxQuotedInput) {
  if (text.size() <= limit) return std::string(text);
  return std::string(text.substr(0, limit)) + "... (" + std::to_string(text.size()) + " bytes)";
}

// Keeps the start and the end of an over-long message.
inline std::string capErrorMessage(const std::string& message) {
  if (message.size() <= kMaxErrorMessage) return message;
  constexpr size_t kTail = 200;
  const size_t head = kMaxErrorMessage - kTail;
  return message.substr(0, head) + " ... (" + std::to_string(message.size() - head - kTail) +
         " bytes cut) ... " + message.substr(message.size() - kTail);
}

// The message is `where: detail` once a place is known; where() and detail() give the parts.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message)
      : std::runtime_error(capErrorMessage(message)), detail_(message) {}
  // `cause` with `where` (a source location such as "model.py:3 (code/...)") in front. Errors
  // raised where the location is not known (schema binding, constant folding, IValue accessors)
  // get it this way from the one place that knows it, once: located() tells it is done.
  Error(const std::string& where, const Error& cause)
      : std::runtime_error(capErrorMessage(where + ": " + cause.what())),
        where_(where),
        detail_(cause.what()) {}
  // An error about `detail` at `where`; unlocated when `where` is empty (nothing known yet).
  static Error at(const std::string& where, const std::string& detail) {
    return where.empty() ? Error(detail) : Error(where, Error(detail));
  }
  bool located() const { return !where_.empty(); }
  const std::string& where() const { return where_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string where_;
  std::string detail_;
};

}  // namespace ts2coreml
