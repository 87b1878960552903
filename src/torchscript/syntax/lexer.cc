#include "torchscript/syntax/lexer.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "core/error.h"

namespace ts2coreml::torchscript {

namespace {

class Lexer {
 public:
  Lexer(const std::string& source, const std::string& fileName) : src_(source), file_(fileName) {}

  std::vector<Token> run() {
    // Printed code averages about 4 bytes per token. The guess is capped: a file of mostly
    // white space (deep indentation) must not reserve a gigabyte of tokens up front.
    tokens_.reserve(std::min<size_t>(src_.size() / 4 + 16, size_t{1} << 18));
    indents_.push_back(0);
    atLineStart_ = true;
    while (i_ < src_.size()) {
      if (atLineStart_ && depth_ == 0) {
        if (handleIndentation()) continue;
      }
      char c = src_[i_];
      if (c == '\n') {
        if (depth_ == 0 && !tokens_.empty() && tokens_.back().kind != TokenKind::Newline) {
          push(TokenKind::Newline, "\n", pos());
        }
        advance();
        atLineStart_ = depth_ == 0;  // inside brackets a newline is just white space
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        advance();
        continue;
      }
      if (c == '#') {
        while (i_ < src_.size() && src_[i_] != '\n') advance();
        continue;
      }
      if (c == '\\' && i_ + 1 < src_.size() && src_[i_ + 1] == '\n') {
        advance();
        advance();
        continue;
      }
      if (isalpha(static_cast<unsigned char>(c)) || c == '_') {
        lexName();
        continue;
      }
      if (isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i_ + 1 < src_.size() && isdigit(static_cast<unsigned char>(src_[i_ + 1])))) {
        lexNumber();
        continue;
      }
      if (c == '"' || c == '\'') {
        lexString(c);
        continue;
      }
      lexOperator();
    }
    if (!tokens_.empty() && tokens_.back().kind != TokenKind::Newline)
      push(TokenKind::Newline, "\n", pos());
    while (indents_.size() > 1) {
      indents_.pop_back();
      push(TokenKind::Dedent, "", pos());
    }
    push(TokenKind::End, "", pos());
    return std::move(tokens_);
  }

 private:
  SourcePos pos() const { return SourcePos{line_, column_, i_}; }
  void advance() {
    if (src_[i_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++i_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(file_ + ":" + std::to_string(line_) + ":" + std::to_string(column_) + ": " + what);
  }
  // Called once the token's characters are consumed, so the current offset is its end.
  void push(TokenKind kind, std::string text, SourcePos at) {
    at.endOffset = i_;
    Token token{kind, std::move(text), 0, 0, at};
    tokens_.push_back(std::move(token));
  }

  // Measures the indentation of a new line; returns true when the line was blank or a comment.
  bool handleIndentation() {
    int width = 0;
    size_t j = i_;
    while (j < src_.size() && (src_[j] == ' ' || src_[j] == '\t')) {
      width += src_[j] == '\t' ? 8 - width % 8 : 1;
      ++j;
    }
    if (j >= src_.size() || src_[j] == '\n' || src_[j] == '#' || src_[j] == '\r') {
      while (i_ < src_.size() && src_[i_] != '\n') advance();
      if (i_ < src_.size()) advance();
      return true;
    }
    while (i_ < j) advance();
    atLineStart_ = false;
    if (width > indents_.back()) {
      indents_.push_back(width);
      push(TokenKind::Indent, "", pos());
    } else {
      while (width < indents_.back()) {
        indents_.pop_back();
        push(TokenKind::Dedent, "", pos());
      }
      if (width != indents_.back()) fail("inconsistent indentation");
    }
    return false;
  }

  void lexName() {
    SourcePos at = pos();
    size_t start = i_;
    while (i_ < src_.size() && (isalnum(static_cast<unsigned char>(src_[i_])) || src_[i_] == '_'))
      advance();
    push(TokenKind::Name, src_.substr(start, i_ - start), at);
  }

  void lexNumber() {
    SourcePos at = pos();
    size_t start = i_;
    bool isFloat = false;
    while (i_ < src_.size() && isdigit(static_cast<unsigned char>(src_[i_]))) advance();
    if (i_ < src_.size() && src_[i_] == '.') {
      isFloat = true;
      advance();
      while (i_ < src_.size() && isdigit(static_cast<unsigned char>(src_[i_]))) advance();
    }
    if (i_ < src_.size() && (src_[i_] == 'e' || src_[i_] == 'E')) {
      isFloat = true;
      advance();
      if (i_ < src_.size() && (src_[i_] == '+' || src_[i_] == '-')) advance();
      if (i_ >= src_.size() || !isdigit(static_cast<unsigned char>(src_[i_])))
        fail("malformed number");
      while (i_ < src_.size() && isdigit(static_cast<unsigned char>(src_[i_]))) advance();
    }
    std::string text = src_.substr(start, i_ - start);
    at.endOffset = i_;
    Token token{TokenKind::Int, text, 0, 0, at};
    if (!isFloat) {
      errno = 0;
      long long value = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE)
        isFloat = true;  // a whole float printed without a dot, too big for int64
      token.intValue = value;
    }
    if (isFloat) {
      token.kind = TokenKind::Float;
      token.floatValue = std::strtod(text.c_str(), nullptr);
    }
    tokens_.push_back(std::move(token));
  }

  void lexString(char quote) {
    SourcePos at = pos();
    advance();
    std::string value;
    while (true) {
      if (i_ >= src_.size() || src_[i_] == '\n') fail("unterminated string");
      char c = src_[i_];
      if (c == quote) {
        advance();
        break;
      }
      if (c != '\\') {
        value += c;
        advance();
        continue;
      }
      advance();
      if (i_ >= src_.size()) fail("unterminated string");
      char e = src_[i_];
      advance();
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'a':
          value += '\a';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'v':
          value += '\v';
          break;
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case '\n':
          break;
        default:
          if (e >= '0' && e <= '7') {
            int code = e - '0';
            for (int k = 0; k < 2 && i_ < src_.size() && src_[i_] >= '0' && src_[i_] <= '7'; ++k) {
              code = code * 8 + (src_[i_] - '0');
              advance();
            }
            value += static_cast<char>(code);
          } else {
            value += '\\';
            value += e;
          }
      }
    }
    push(TokenKind::String, std::move(value), at);
  }

  void lexOperator() {
    static constexpr std::string_view kLongOperators[] = {
        "**=", "//=", ">>=", "<<=", "->", "**", "//", "==", "!=", "<=", ">=",
        "<<",  ">>",  "+=",  "-=",  "*=", "/=", "%=", "&=", "|=", "^="};
    SourcePos at = pos();
    std::string_view rest = std::string_view(src_).substr(i_);
    for (std::string_view op : kLongOperators) {
      if (rest[0] == op[0] && rest.substr(0, op.size()) == op) {
        for (size_t k = 0; k < op.size(); ++k) advance();
        pushOperator(std::string(op), at);
        return;
      }
    }
    char c = src_[i_];
    static const std::string singles = "+-*/%@&|^~<>()[]{},:.;=";
    if (singles.find(c) == std::string::npos) fail(std::string("unexpected character '") + c + "'");
    if (c == '(' || c == '[' || c == '{') ++depth_;
    if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
    advance();
    pushOperator(std::string(1, c), at);
  }
  void pushOperator(std::string text, SourcePos at) {
    uint32_t code = packOperator(text);
    push(TokenKind::Op, std::move(text), at);
    tokens_.back().op = code;
  }

  const std::string& src_;
  const std::string& file_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
  int depth_ = 0;
  bool atLineStart_ = true;
  std::vector<int> indents_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, const std::string& fileName) {
  return Lexer(source, fileName).run();
}

}  // namespace ts2coreml::torchscript
