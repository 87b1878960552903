// Tokens of the serialized TorchScript code, with Python's INDENT/DEDENT/NEWLINE structure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "torchscript/syntax/ast.h"

namespace ts2coreml::torchscript {

enum class TokenKind { Name, Int, Float, String, Op, Newline, Indent, Dedent, End };

// An operator of up to three characters packed into one integer, so the parser tells operators
// apart without string compares ("->" == packOperator("->")).
constexpr uint32_t packOperator(std::string_view op) {
  uint32_t code = 0;
  for (char c : op) code = code << 8 | static_cast<unsigned char>(c);
  return code;
}

struct Token {
  TokenKind kind;
  std::string text;  // name, operator, or the decoded string literal
  int64_t intValue = 0;
  double floatValue = 0;
  SourcePos pos;
  uint32_t op = 0;  // packOperator(text) for Op tokens
};

// Throws Error "<file>:<line>:<col>: <what>" on malformed input.
std::vector<Token> tokenize(const std::string& source, const std::string& fileName);

}  // namespace ts2coreml::torchscript
