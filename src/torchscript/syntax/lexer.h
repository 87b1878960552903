// Tokens of the serialized TorchScript code, with Python's INDENT/DEDENT/NEWLINE structure.
#pragma once

#include <string>
#include <vector>

#include "torchscript/syntax/ast.h"

namespace ts2coreml::torchscript {

enum class TokenKind { Name, Int, Float, String, Op, Newline, Indent, Dedent, End };

struct Token {
  TokenKind kind;
  std::string text;  // name, operator, or the decoded string literal
  int64_t intValue = 0;
  double floatValue = 0;
  SourcePos pos;
};

// Throws Error "<file>:<line>:<col>: <what>" on malformed input.
std::vector<Token> tokenize(const std::string& source, const std::string& fileName);

}  // namespace ts2coreml::torchscript
