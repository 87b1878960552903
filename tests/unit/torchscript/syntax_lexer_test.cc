// Lexer facts: literal forms torch prints (torchscript-archive-format.md 3.5), C escape values,
// Python's INDENT/DEDENT/NEWLINE rules and byte positions.
#include <gtest/gtest.h>

#include "core/error.h"
#include "torchscript/syntax/lexer.h"

namespace ts2coreml::torchscript {
namespace {

std::vector<Token> lex(const std::string& code) {
  return tokenize(code, "t.py");
}

// Kinds only, for layout checks: N(ame) I(nt) F(loat) S(tring) O(p) ; (newline) > (indent)
// < (dedent) $ (end).
std::string shape(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) {
    switch (t.kind) {
      case TokenKind::Name:
        out += 'N';
        break;
      case TokenKind::Int:
        out += 'I';
        break;
      case TokenKind::Float:
        out += 'F';
        break;
      case TokenKind::String:
        out += 'S';
        break;
      case TokenKind::Op:
        out += 'O';
        break;
      case TokenKind::Newline:
        out += ';';
        break;
      case TokenKind::Indent:
        out += '>';
        break;
      case TokenKind::Dedent:
        out += '<';
        break;
      case TokenKind::End:
        out += '$';
        break;
    }
  }
  return out;
}

TEST(Lexer, NumberForms) {
  auto tokens =
      lex("2. 1.0000000000000001e-05 1e+20 .5 0 9223372036854775807 10000000000 1e-300\n");
  ASSERT_EQ(shape(tokens), "FFFFIIIF;$");
  EXPECT_DOUBLE_EQ(tokens[0].floatValue, 2.0);
  EXPECT_DOUBLE_EQ(tokens[1].floatValue, 1e-05);
  EXPECT_DOUBLE_EQ(tokens[2].floatValue, 1e20);
  EXPECT_DOUBLE_EQ(tokens[3].floatValue, 0.5);
  EXPECT_EQ(tokens[4].intValue, 0);
  EXPECT_EQ(tokens[5].intValue, INT64_MAX);
  // torch prints the float 1e10 as `10000000000` (no dot): it stays an int token.
  EXPECT_EQ(tokens[6].intValue, 10000000000);
  EXPECT_DOUBLE_EQ(tokens[7].floatValue, 1e-300);
}

TEST(Lexer, WholeNumberBeyondInt64IsFloat) {
  auto tokens = lex("100000000000000000000\n");
  ASSERT_EQ(tokens[0].kind, TokenKind::Float);
  EXPECT_DOUBLE_EQ(tokens[0].floatValue, 1e20);
}

TEST(Lexer, StringEscapes) {
  auto tokens = lex(R"("\\ \' \" \a \b \f \n \r \t \v" 'single "q" \'s\'' "\001\12\0x")"
                    "\n");
  ASSERT_EQ(shape(tokens), "SSS;$");
  EXPECT_EQ(tokens[0].text, "\\ ' \" \a \b \f \n \r \t \v");
  EXPECT_EQ(tokens[1].text, "single \"q\" 's'");
  EXPECT_EQ(tokens[2].text, std::string("\x01\n\0x", 4));
}

TEST(Lexer, IndentationAnyConsistentWidth) {
  // 4-space indentation (hand-written style) lexes like torch's 2-space one.
  std::string two = "def f(x):\n  if x:\n    return 1\n  return 2\n";
  std::string four = "def f(x):\n    if x:\n        return 1\n    return 2\n";
  EXPECT_EQ(shape(lex(two)), "NNONOO;>NNO;>NI;<NI;<$");
  EXPECT_EQ(shape(lex(two)), shape(lex(four)));
  EXPECT_THROW(lex("def f(x):\n    a = 1\n  b = 2\n"), Error);  // dedent to an unknown level
}

TEST(Lexer, BlankLinesCommentsAndContinuations) {
  std::string code =
      "# header comment\n"
      "\n"
      "x = f(1,\n"
      "      2)  # trailing\n"
      "   \n"
      "y = [1,\n"
      "  2]\n"
      "z = 1 + \\\n"
      "  2\n";
  // Newlines inside brackets and after a backslash are white space; blank and comment lines
  // produce nothing.
  EXPECT_EQ(shape(lex(code)), "NONOIOIO;NOOIOIO;NOIOI;$");
}

TEST(Lexer, PositionsAreLineColumnAndByteRange) {
  std::string code = "def f(x):\n  return torch.add(x, \"s\")\n";
  auto tokens = lex(code);
  const Token* torchName = nullptr;
  const Token* str = nullptr;
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::Name && t.text == "torch") torchName = &t;
    if (t.kind == TokenKind::String) str = &t;
  }
  ASSERT_TRUE(torchName && str);
  EXPECT_EQ(torchName->pos.line, 2);
  EXPECT_EQ(torchName->pos.column, 10);
  EXPECT_EQ(torchName->pos.offset, code.find("torch"));
  EXPECT_EQ(torchName->pos.endOffset, code.find("torch") + 5);
  EXPECT_EQ(str->pos.offset, code.find('"'));
  EXPECT_EQ(str->pos.endOffset, code.rfind('"') + 1);  // the closing quote is part of it
}

TEST(Lexer, ErrorsNamePlace) {
  try {
    lex("x = 1\ny = $\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "t.py:2:5: unexpected character '$'");
  }
  EXPECT_THROW(lex("s = \"open\n"), Error);
  EXPECT_THROW(lex("x = 1e+\n"), Error);
}

}  // namespace
}  // namespace ts2coreml::torchscript
