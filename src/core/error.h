// The one error type of the converter: a one-line message that already names the problem and
// where it is (archive entry, source line, op). The CLI prints `error: <message>`.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// The message is `where: detail[: note; note; ...]` once a place is known; where(), op(),
// detail() and notes() give the parts, so that the place is attached once, by the code that
// knows it (GraphEmitter::fail, LoweringContext::fail, the runtimes' op and layer contexts), and
// callers can tell a located error from one still needing its place.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(""), detail_(message) {
    render();
  }
  // `cause` with `where` (a source location such as "model.py:3 (code/...)") in front. Errors
  // raised where the location is not known (schema binding, constant folding, IValue accessors)
  // get it this way from the one place that knows it, once: located() tells it is done.
  Error(const std::string& where, const Error& cause) : Error(cause) {
    if (cause.located()) detail_ = cause.where_ + ": " + cause.detail_;  // kept whole behind
    where_ = where;
    render();
  }
  // An error about `detail` at `where`; unlocated when `where` is empty (nothing known yet).
  static Error at(const std::string& where, const std::string& detail) {
    return where.empty() ? Error(detail) : Error(where, Error(detail));
  }
  // The op the error is about (aten::conv2d, mil conv, a layer kind), kept for callers.
  Error& withOp(std::string op) {
    op_ = std::move(op);
    return *this;
  }
  // A line of detail after the message (the candidate schemas of an overload mismatch, ...).
  Error& withNote(std::string note) {
    notes_.push_back(std::move(note));
    render();
    return *this;
  }

  const char* what() const noexcept override { return text_.c_str(); }
  bool located() const { return !where_.empty(); }
  const std::string& where() const { return where_; }
  const std::string& op() const { return op_; }
  const std::string& detail() const { return detail_; }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  void render() {
    std::string text = where_.empty() ? detail_ : where_ + ": " + detail_;
    for (size_t i = 0; i < notes_.size(); ++i) text += (i ? "; " : ": ") + notes_[i];
    text_ = capErrorMessage(text);
  }

  std::string where_;
  std::string op_;
  std::string detail_;
  std::vector<std::string> notes_;
  std::string text_;
};

}  // namespace ts2coreml
