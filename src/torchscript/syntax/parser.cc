#include "torchscript/syntax/parser.h"

#include <set>

#include "core/error.h"
#include "torchscript/syntax/lexer.h"

namespace ts2coreml::torchscript {

namespace {

template <typename T>
std::unique_ptr<T> node(const SourcePos& pos) {
  auto n = std::make_unique<T>();
  n->pos = pos;
  return n;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& fileName)
      : tokens_(std::move(tokens)), file_(fileName) {}

  std::unique_ptr<Module> parseModule() {
    auto module = std::make_unique<Module>();
    while (!at(TokenKind::End)) {
      if (at(TokenKind::Newline)) {
        next();
        continue;
      }
      if (isName("import") || isName("from")) {  // old archives: `import torch`
        while (!at(TokenKind::Newline) && !at(TokenKind::End)) next();
        continue;
      }
      module->body.push_back(statement());
    }
    return module;
  }

 private:
  // --- token helpers ---
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(i_ + ahead, tokens_.size() - 1)];
  }
  bool at(TokenKind kind) const { return peek().kind == kind; }
  bool isOp(const char* op, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Op && peek(ahead).text == op;
  }
  bool isName(const char* name, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Name && peek(ahead).text == name;
  }
  const Token& next() { return tokens_[i_ < tokens_.size() - 1 ? i_++ : i_]; }
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

  // --- statements ---
  std::vector<StmtPtr> block() {
    expectOp(":");
    std::vector<StmtPtr> body;
    if (!at(TokenKind::Newline)) {  // `if x: pass`
      body.push_back(simpleStatement());
      return body;
    }
    next();
    if (!at(TokenKind::Indent)) fail("expected an indented block");
    next();
    while (!at(TokenKind::Dedent) && !at(TokenKind::End)) {
      if (at(TokenKind::Newline)) {
        next();
        continue;
      }
      body.push_back(statement());
    }
    if (at(TokenKind::Dedent)) next();
    return body;
  }

  StmtPtr statement() {
    SourcePos pos = peek().pos;
    if (isName("def")) return functionDef();
    if (isName("class")) return classDef();
    if (isName("if")) return ifStatement();
    if (isName("for")) {
      next();
      auto s = node<ForStmt>(pos);
      s->target = targetList();
      if (!isName("in")) fail("expected 'in'" + found());
      next();
      s->iter = testList();
      s->body = block();
      return s;
    }
    if (isName("while")) {
      next();
      auto s = node<WhileStmt>(pos);
      s->test = test();
      s->body = block();
      return s;
    }
    if (isName("with")) {
      next();
      auto s = node<WithStmt>(pos);
      do {
        if (isOp(",")) next();
        s->items.push_back(test());
        if (isName("as")) {
          next();
          expectName();
        }
      } while (isOp(","));
      s->body = block();
      return s;
    }
    return simpleStatement();
  }

  StmtPtr ifStatement() {
    SourcePos pos = peek().pos;
    next();  // `if` or `elif`
    auto s = node<IfStmt>(pos);
    s->test = test();
    s->body = block();
    if (isName("elif")) {
      s->orelse.push_back(ifStatement());
    } else if (isName("else")) {
      next();
      s->orelse = block();
    }
    return s;
  }

  StmtPtr functionDef() {
    auto def = node<FunctionDef>(peek().pos);
    next();
    def->name = expectName();
    expectOp("(");
    while (!isOp(")")) {
      Param param;
      param.name = expectName();
      if (isOp(":")) {
        next();
        param.annotation = test();
      }
      if (isOp("=")) {
        next();
        param.defaultValue = test();
      }
      def->params.push_back(std::move(param));
      if (!isOp(",")) break;
      next();
    }
    expectOp(")");
    if (isOp("->")) {
      next();
      def->returns = test();
    }
    def->body = block();
    return def;
  }

  StmtPtr classDef() {
    auto def = node<ClassDef>(peek().pos);
    next();
    def->name = expectName();
    if (isOp("(")) {
      next();
      while (!isOp(")")) {
        def->bases.push_back(test());
        if (!isOp(",")) break;
        next();
      }
      expectOp(")");
    }
    def->body = block();
    return def;
  }

  StmtPtr simpleStatement() {
    SourcePos pos = peek().pos;
    StmtPtr result;
    if (isName("pass") || isName("break") || isName("continue")) {
      StmtKind kind = isName("pass")    ? StmtKind::Pass
                      : isName("break") ? StmtKind::Break
                                        : StmtKind::Continue;
      next();
      result = std::make_unique<SimpleStmt>(kind);
      result->pos = pos;
    } else if (isName("return")) {
      next();
      auto s = node<ReturnStmt>(pos);
      if (!at(TokenKind::Newline) && !at(TokenKind::End) && !at(TokenKind::Dedent))
        s->value = testList();
      result = std::move(s);
    } else if (isName("raise")) {
      next();
      auto s = node<RaiseStmt>(pos);
      if (!at(TokenKind::Newline)) s->exception = test();
      if (isName("from")) {
        next();
        test();
      }
      result = std::move(s);
    } else if (isName("assert")) {
      next();
      auto s = node<AssertStmt>(pos);
      s->test = test();
      if (isOp(",")) {
        next();
        s->message = test();
      }
      result = std::move(s);
    } else if (isName("del")) {
      next();
      testList();
      result = std::make_unique<SimpleStmt>(StmtKind::Del);
      result->pos = pos;
    } else {
      result = expressionStatement();
    }
    endOfStatement();
    return result;
  }

  StmtPtr expressionStatement() {
    SourcePos pos = peek().pos;
    ExprPtr first = testList();
    if (isOp(":")) {  // `x : T` or `x : T = v`
      next();
      auto s = node<AnnAssignStmt>(pos);
      s->target = std::move(first);
      s->annotation = test();
      if (isOp("=")) {
        next();
        s->value = testList();
      }
      return s;
    }
    static const std::set<std::string> augmented = {
        "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>="};
    if (peek().kind == TokenKind::Op && augmented.count(peek().text)) {
      std::string op = next().text;
      auto s = node<AugAssignStmt>(pos);
      s->target = std::move(first);
      s->op = op.substr(0, op.size() - 1);
      s->value = testList();
      return s;
    }
    if (!isOp("=")) {
      auto s = node<ExprStmt>(pos);
      s->value = std::move(first);
      return s;
    }
    auto s = node<AssignStmt>(pos);
    s->targets.push_back(std::move(first));
    while (isOp("=")) {
      next();
      s->targets.push_back(testList());
    }
    s->value = std::move(s->targets.back());
    s->targets.pop_back();
    return s;
  }

  // --- expressions ---
  // `a, b, c` (a trailing comma makes a tuple, as in printed unpacking `a, b, = t`).
  ExprPtr testList() {
    SourcePos pos = peek().pos;
    ExprPtr first = test();
    if (!isOp(",")) return first;
    auto tuple = node<TupleExpr>(pos);
    tuple->elements.push_back(std::move(first));
    while (isOp(",")) {
      next();
      if (endsList()) break;
      tuple->elements.push_back(test());
    }
    return tuple;
  }
  bool endsList() const {
    return at(TokenKind::Newline) || at(TokenKind::End) || isOp("=") || isOp(")") || isOp("]") ||
           isOp("}") || isOp(":") || isName("in");
  }
  // Targets of `for`: like testList but stops before `in`.
  ExprPtr targetList() {
    SourcePos pos = peek().pos;
    ExprPtr first = bitOr();
    if (!isOp(",")) return first;
    auto tuple = node<TupleExpr>(pos);
    tuple->elements.push_back(std::move(first));
    while (isOp(",")) {
      next();
      if (endsList()) break;
      tuple->elements.push_back(bitOr());
    }
    return tuple;
  }

  ExprPtr test() {
    SourcePos pos = peek().pos;
    ExprPtr body = orTest();
    if (!isName("if")) return body;
    next();
    auto e = node<IfExpr>(pos);
    e->body = std::move(body);
    e->test = orTest();
    if (!isName("else")) fail("expected 'else'" + found());
    next();
    e->orelse = test();
    return e;
  }

  ExprPtr binary(const std::string& op, ExprPtr left, ExprPtr right, const SourcePos& pos) {
    auto e = node<BinaryExpr>(pos);
    e->op = op;
    e->left = std::move(left);
    e->right = std::move(right);
    return e;
  }

  ExprPtr orTest() {
    SourcePos pos = peek().pos;
    ExprPtr left = andTest();
    while (isName("or")) {
      next();
      left = binary("or", std::move(left), andTest(), pos);
    }
    return left;
  }
  ExprPtr andTest() {
    SourcePos pos = peek().pos;
    ExprPtr left = notTest();
    while (isName("and")) {
      next();
      left = binary("and", std::move(left), notTest(), pos);
    }
    return left;
  }
  ExprPtr notTest() {
    if (!isName("not")) return comparison();
    SourcePos pos = peek().pos;
    next();
    auto e = node<UnaryExpr>(pos);
    e->op = "not";
    e->operand = notTest();
    return e;
  }
  std::string comparisonOp() {
    static const std::set<std::string> ops = {"<", ">", "==", ">=", "<=", "!="};
    if (peek().kind == TokenKind::Op && ops.count(peek().text)) return next().text;
    if (isName("in")) {
      next();
      return "in";
    }
    if (isName("not") && isName("in", 1)) {
      next();
      next();
      return "not in";
    }
    if (isName("is")) {
      next();
      if (isName("not")) {
        next();
        return "is not";
      }
      return "is";
    }
    return "";
  }
  ExprPtr comparison() {
    SourcePos pos = peek().pos;
    ExprPtr left = bitOr();
    std::string op = comparisonOp();
    if (op.empty()) return left;
    ExprPtr right = bitOr();
    ExprPtr result = binary(op, std::move(left), std::move(right), pos);
    if (!comparisonOpAhead()) return result;
    fail("chained comparisons are not supported");
  }
  bool comparisonOpAhead() const {
    static const std::set<std::string> ops = {"<", ">", "==", ">=", "<=", "!="};
    return (peek().kind == TokenKind::Op && ops.count(peek().text)) || isName("in") ||
           isName("is") || (isName("not") && isName("in", 1));
  }

  ExprPtr leftAssoc(ExprPtr (Parser::*operand)(), std::initializer_list<const char*> ops) {
    SourcePos pos = peek().pos;
    ExprPtr left = (this->*operand)();
    for (;;) {
      const char* matched = nullptr;
      for (const char* op : ops) {
        if (isOp(op)) matched = op;
      }
      if (!matched) return left;
      next();
      left = binary(matched, std::move(left), (this->*operand)(), pos);
    }
  }
  ExprPtr bitOr() { return leftAssoc(&Parser::bitXor, {"|"}); }
  ExprPtr bitXor() { return leftAssoc(&Parser::bitAnd, {"^"}); }
  ExprPtr bitAnd() { return leftAssoc(&Parser::shift, {"&"}); }
  ExprPtr shift() { return leftAssoc(&Parser::arith, {"<<", ">>"}); }
  ExprPtr arith() { return leftAssoc(&Parser::term, {"+", "-"}); }
  ExprPtr term() { return leftAssoc(&Parser::factor, {"*", "/", "//", "%", "@"}); }

  ExprPtr factor() {
    if (isOp("-") || isOp("+") || isOp("~")) {
      SourcePos pos = peek().pos;
      std::string op = next().text;
      ExprPtr operand = factor();
      // Fold negative literals so `-1` and `-inf` stay constants for the compiler.
      if (op == "-" && operand->kind == ExprKind::Constant) {
        auto& constant = static_cast<ConstantExpr&>(*operand);
        if (constant.value.isInt()) {
          constant.value = IValue(-constant.value.toInt());
          constant.pos = pos;
          return operand;
        }
        if (constant.value.isDouble()) {
          constant.value = IValue(-constant.value.toDouble());
          constant.pos = pos;
          return operand;
        }
      }
      auto e = node<UnaryExpr>(pos);
      e->op = op;
      e->operand = std::move(operand);
      return e;
    }
    return power();
  }
  ExprPtr power() {
    SourcePos pos = peek().pos;
    ExprPtr base = primary();
    if (!isOp("**")) return base;
    next();
    return binary("**", std::move(base), factor(), pos);
  }

  ExprPtr primary() {
    ExprPtr e = atom();
    for (;;) {
      SourcePos pos = peek().pos;
      if (isOp(".")) {
        next();
        auto attr = node<AttributeExpr>(e->pos);
        attr->value = std::move(e);
        attr->attr = expectName();
        e = std::move(attr);
      } else if (isOp("(")) {
        next();
        auto call = node<CallExpr>(e->pos);
        call->func = std::move(e);
        while (!isOp(")")) {
          if (at(TokenKind::Name) && isOp("=", 1)) {
            Keyword keyword;
            keyword.name = next().text;
            next();
            keyword.value = test();
            call->keywords.push_back(std::move(keyword));
          } else {
            if (!call->keywords.empty()) fail("positional argument after keyword argument");
            call->args.push_back(test());
          }
          if (!isOp(",")) break;
          next();
        }
        expectOp(")");
        e = std::move(call);
      } else if (isOp("[")) {
        next();
        auto sub = node<SubscriptExpr>(e->pos);
        sub->value = std::move(e);
        sub->index = subscriptList();
        expectOp("]");
        e = std::move(sub);
      } else {
        (void)pos;
        return e;
      }
    }
  }

  ExprPtr subscriptList() {
    SourcePos pos = peek().pos;
    ExprPtr first = subscript();
    if (!isOp(",")) return first;
    auto tuple = node<TupleExpr>(pos);
    tuple->elements.push_back(std::move(first));
    while (isOp(",")) {
      next();
      if (isOp("]")) break;
      tuple->elements.push_back(subscript());
    }
    return tuple;
  }
  ExprPtr subscript() {
    SourcePos pos = peek().pos;
    ExprPtr lower;
    if (!isOp(":")) {
      lower = test();
      if (!isOp(":")) return lower;
    }
    auto slice = node<SliceExpr>(pos);
    slice->lower = std::move(lower);
    next();  // ':'
    if (!isOp(":") && !isOp("]") && !isOp(",")) slice->upper = test();
    if (isOp(":")) {
      next();
      if (!isOp("]") && !isOp(",")) slice->step = test();
    }
    return slice;
  }

  ExprPtr atom() {
    const Token& token = peek();
    SourcePos pos = token.pos;
    switch (token.kind) {
      case TokenKind::Name: {
        std::string name = next().text;
        if (name == "None" || name == "True" || name == "False") {
          auto c = node<ConstantExpr>(pos);
          c->value = name == "None" ? IValue() : IValue(name == "True");
          return c;
        }
        auto n = node<NameExpr>(pos);
        n->id = name;
        return n;
      }
      case TokenKind::Int: {
        auto c = node<ConstantExpr>(pos);
        c->value = IValue(next().intValue);
        return c;
      }
      case TokenKind::Float: {
        auto c = node<ConstantExpr>(pos);
        c->value = IValue(next().floatValue);
        return c;
      }
      case TokenKind::String: {
        std::string text;
        while (at(TokenKind::String)) text += next().text;  // implicit concatenation
        auto c = node<ConstantExpr>(pos);
        c->value = IValue(text);
        return c;
      }
      default:
        break;
    }
    if (isOp("(")) {
      next();
      if (isOp(")")) {
        next();
        return node<TupleExpr>(pos);
      }
      ExprPtr first = test();
      if (isOp(")")) {
        next();
        return first;  // parenthesised expression
      }
      auto tuple = node<TupleExpr>(pos);
      tuple->elements.push_back(std::move(first));
      while (isOp(",")) {
        next();
        if (isOp(")")) break;
        tuple->elements.push_back(test());
      }
      expectOp(")");
      return tuple;
    }
    if (isOp("[")) {
      next();
      auto list = node<ListExpr>(pos);
      while (!isOp("]")) {
        list->elements.push_back(test());
        if (!isOp(",")) break;
        next();
      }
      expectOp("]");
      return list;
    }
    if (isOp("{")) {
      next();
      auto dict = node<DictExpr>(pos);
      while (!isOp("}")) {
        dict->keys.push_back(test());
        expectOp(":");
        dict->values.push_back(test());
        if (!isOp(",")) break;
        next();
      }
      expectOp("}");
      return dict;
    }
    fail("expected an expression" + found());
  }

  std::vector<Token> tokens_;
  const std::string& file_;
  size_t i_ = 0;
};

}  // namespace

std::unique_ptr<Module> parseModule(const std::string& source, const std::string& fileName) {
  return Parser(tokenize(source, fileName), fileName).parseModule();
}

}  // namespace ts2coreml::torchscript
