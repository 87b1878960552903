#include "torchscript/syntax/parser.h"

#include "torchscript/syntax/parser_internal.h"

namespace ts2coreml::torchscript {
namespace detail {

std::unique_ptr<Module> Parser::parseModule() {
  auto module = std::make_unique<Module>();
  while (!at(TokenKind::End)) {
    if (at(TokenKind::Newline)) {
      next();
      continue;
    }
    // Old archives start with `op_version_set = N` and `import torch`; torch's importer
    // skips both.
    if (isName("import") || isName("from") || (isName("op_version_set") && isOp("=", 1))) {
      while (!at(TokenKind::Newline) && !at(TokenKind::End)) next();
      continue;
    }
    module->body.push_back(statement());
  }
  return module;
}

std::vector<StmtPtr> Parser::block() {
  NestingGuard guard(*this);
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

StmtPtr Parser::statement() {
  SourcePos pos = peek().pos;
  if (isName("def")) return finish(functionDef());
  if (isName("class")) return finish(classDef());
  if (isName("if")) return ifStatement();
  if (isName("for")) {
    next();
    auto s = node<ForStmt>(pos);
    s->target = targetList();
    if (!isName("in")) fail("expected 'in'" + found());
    next();
    s->iter = testList();
    s->body = block();
    return finish(std::move(s));
  }
  if (isName("while")) {
    next();
    auto s = node<WhileStmt>(pos);
    s->test = test();
    s->body = block();
    return finish(std::move(s));
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
    return finish(std::move(s));
  }
  return simpleStatement();
}

StmtPtr Parser::ifStatement() {
  NestingGuard guard(*this);  // `elif` chains recurse here
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
  return finish(std::move(s));
}

StmtPtr Parser::functionDef() {
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

StmtPtr Parser::classDef() {
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

StmtPtr Parser::simpleStatement() {
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
    if (!atStatementEnd()) s->value = testList();
    result = std::move(s);
  } else if (isName("raise")) {
    next();
    auto s = node<RaiseStmt>(pos);
    if (!atStatementEnd()) s->exception = test();
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
    auto s = node<DelStmt>(pos);
    do {
      if (isOp(",")) next();
      if (atStatementEnd()) break;
      s->targets.push_back(bitOr());
    } while (isOp(","));
    result = std::move(s);
  } else {
    result = expressionStatement();
  }
  finish(&*result);
  endOfStatement();
  return result;
}
bool Parser::atStatementEnd() const {
  return at(TokenKind::Newline) || at(TokenKind::End) || at(TokenKind::Dedent) || isOp(";");
}

StmtPtr Parser::expressionStatement() {
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
  if (isAnyOp({"+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>="})) {
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

}  // namespace detail

std::unique_ptr<Module> parseModule(const std::string& source, const std::string& fileName) {
  return detail::Parser(tokenize(source, fileName), fileName).parseModule();
}

}  // namespace ts2coreml::torchscript
