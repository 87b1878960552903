// The recursive-descent parser's state and grammar functions, shared by parser.cc (module and
// statements) and parser_expressions.cc (expressions, by Python precedence). Internal to syntax/.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "torchscript/syntax/ast.h"
#include "torchscript/syntax/lexer.h"

namespace ts2coreml::torchscript::detail {

// Expressions, and blocks of statements, nested deeper than this are refused. Printed
// TorchScript keeps one operation per statement, so real code nests a few levels (a dozen at
// most in the fixtures and torchvision models); 500 leaves headroom while the compiler, which
// walks the tree recursively with large frames, stays far from the end of the machine stack.
constexpr uint32_t kMaxParseNesting = 500;

template <typename T>
std::unique_ptr<T> node(const SourcePos& pos) {
  auto n = std::make_unique<T>();
  n->pos = pos;
  return n;
}

inline bool isRealToken(TokenKind kind) {
  return kind != TokenKind::Newline && kind != TokenKind::Indent && kind != TokenKind::Dedent &&
         kind != TokenKind::End;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& fileName)
      : tokens_(std::move(tokens)), file_(fileName) {}

  std::unique_ptr<Module> parseModule();

 private:
  // --- token helpers ---
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(i_ + ahead, tokens_.size() - 1)];
  }
  bool at(TokenKind kind) const { return peek().kind == kind; }
  bool isOp(const char* op, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Op && peek(ahead).op == packOperator(op);
  }
  bool isAnyOp(std::initializer_list<const char*> ops) const {
    if (peek().kind != TokenKind::Op) return false;
    for (const char* op : ops) {
      if (peek().op == packOperator(op)) return true;
    }
    return false;
  }
  bool isName(const char* name, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Name && peek(ahead).text == name;
  }
  const Token& next() {
    const Token& token = tokens_[i_ < tokens_.size() - 1 ? i_++ : i_];
    if (isRealToken(token.kind)) lastEnd_ = token.pos.endOffset;
    return token;
  }
  // Sets the end of `n` to the end of the last token consumed, i.e. of the node's last token.
  template <typename P>
  P finish(P n) {
    n->pos.endOffset = lastEnd_;
    if constexpr (std::is_base_of_v<Expr, std::remove_cvref_t<decltype(*n)>>) setHeight(*n);
    return n;
  }
  // Height from the direct children; refuses a tree deeper than kMaxParseNesting.
  void setHeight(Expr& e) const;
  void checkNesting(uint32_t levels) const {
    if (levels > kMaxParseNesting) {
      fail("code nested deeper than " + std::to_string(kMaxParseNesting) +
           " levels (the parser's nesting limit)");
    }
  }
  // Counts the grammar functions active on the machine stack (nested brackets, unary operators,
  // blocks): recursion is refused past the limit instead of overflowing the stack.
  struct NestingGuard {
    explicit NestingGuard(Parser& parser) : parser_(parser) {
      parser_.checkNesting(++parser_.active_);
    }
    ~NestingGuard() { --parser_.active_; }
    Parser& parser_;
  };
  [[noreturn]] void fail(const std::string& what) const {
    const SourcePos& pos = peek().pos;
    throw Error(file_ + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
                what);
  }
  void expectOp(const char* op) {
    if (!isOp(op)) fail(std::string("expected '") + op + "'" + found());
    next();
  }
  std::string expectName() {
    if (!at(TokenKind::Name)) fail("expected a name" + found());
    return next().text;
  }
  std::string found() const {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::Newline:
        return ", found end of line";
      case TokenKind::Indent:
        return ", found an indent";
      case TokenKind::Dedent:
        return ", found a dedent";
      case TokenKind::End:
        return ", found end of file";
      default:
        return ", found '" + t.text + "'";
    }
  }
  void endOfStatement() {
    if (isOp(";")) next();
    if (at(TokenKind::Newline)) {
      next();
      return;
    }
    if (at(TokenKind::End) || at(TokenKind::Dedent)) return;
    fail("expected end of statement" + found());
  }

  // --- statements (parser.cc) ---
  std::vector<StmtPtr> block();
  StmtPtr statement();
  StmtPtr ifStatement();
  StmtPtr functionDef();
  StmtPtr classDef();
  StmtPtr simpleStatement();
  bool atStatementEnd() const;
  StmtPtr expressionStatement();

  // --- expressions (parser_expressions.cc) ---
  ExprPtr testList();
  bool endsList() const;
  ExprPtr targetList();
  ExprPtr test();
  ExprPtr binary(const std::string& op, ExprPtr left, ExprPtr right, const SourcePos& pos);
  ExprPtr orTest();
  ExprPtr andTest();
  ExprPtr notTest();
  std::string comparisonOp();
  ExprPtr comparison();
  ExprPtr leftAssoc(ExprPtr (Parser::*operand)(), std::initializer_list<const char*> ops);
  ExprPtr bitOr();
  ExprPtr bitXor();
  ExprPtr bitAnd();
  ExprPtr shift();
  ExprPtr arith();
  ExprPtr term();
  ExprPtr factor();
  ExprPtr power();
  ExprPtr primary();
  ExprPtr subscriptList();
  ExprPtr subscript();
  ExprPtr atom();

  std::vector<Token> tokens_;
  const std::string& file_;
  size_t i_ = 0;
  // Nodes copied for the middle operands of comparison chains so far: chains nested in the
  // operands of chains copy each other, which grows exponentially with the nesting
  // (found by fuzz_torchscript_parser: 3 KB of code took seconds).
  size_t chainCopies_ = 0;
  size_t lastEnd_ = 0;   // end offset of the last real (non-layout) token consumed
  uint32_t active_ = 0;  // NestingGuards alive
};

}  // namespace ts2coreml::torchscript::detail
