// Expressions, from lowest to highest precedence as in Python's grammar: conditional
// expression, or, and, not, comparisons, |, ^, &, shifts, + -, * / // % @, unary - + ~, **,
// then calls / attributes / subscripts on atoms.
#include <limits>

#include "torchscript/syntax/parser_internal.h"

namespace ts2coreml::torchscript::detail {
namespace {

// The magnitude of INT64_MIN: lexed as a float (it overflows int64) but `-9223372036854775808`
// is an int literal.
constexpr const char* kInt64MinMagnitude = "9223372036854775808";

}  // namespace

void Parser::setHeight(Expr& e) const {
  uint32_t deepest = 0;
  auto child = [&](const ExprPtr& c) {
    if (c) deepest = std::max(deepest, c->height);
  };
  switch (e.kind) {
    case ExprKind::Name:
    case ExprKind::Constant:
      break;
    case ExprKind::Attribute:
      child(static_cast<AttributeExpr&>(e).value);
      break;
    case ExprKind::Call: {
      auto& call = static_cast<CallExpr&>(e);
      child(call.func);
      for (const auto& a : call.args) child(a);
      for (const auto& k : call.keywords) child(k.value);
      break;
    }
    case ExprKind::Subscript:
      child(static_cast<SubscriptExpr&>(e).value);
      child(static_cast<SubscriptExpr&>(e).index);
      break;
    case ExprKind::Slice: {
      auto& slice = static_cast<SliceExpr&>(e);
      child(slice.lower);
      child(slice.upper);
      child(slice.step);
      break;
    }
    case ExprKind::Tuple:
      for (const auto& c : static_cast<TupleExpr&>(e).elements) child(c);
      break;
    case ExprKind::List:
      for (const auto& c : static_cast<ListExpr&>(e).elements) child(c);
      break;
    case ExprKind::Dict:
      for (const auto& c : static_cast<DictExpr&>(e).keys) child(c);
      for (const auto& c : static_cast<DictExpr&>(e).values) child(c);
      break;
    case ExprKind::UnaryOp:
      child(static_cast<UnaryExpr&>(e).operand);
      break;
    case ExprKind::BinOp:
      child(static_cast<BinaryExpr&>(e).left);
      child(static_cast<BinaryExpr&>(e).right);
      break;
    case ExprKind::IfExp: {
      auto& ifExp = static_cast<IfExpr&>(e);
      child(ifExp.test);
      child(ifExp.body);
      child(ifExp.orelse);
      break;
    }
  }
  e.height = deepest + 1;
  checkNesting(e.height);
}

// `a, b, c` (a trailing comma makes a tuple, as in printed unpacking `a, b, = t`).
ExprPtr Parser::testList() {
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
  return finish(std::move(tuple));
}
bool Parser::endsList() const {
  return at(TokenKind::Newline) || at(TokenKind::End) || isOp("=") || isOp(")") || isOp("]") ||
         isOp("}") || isOp(":") || isName("in");
}
// Targets of `for`: like testList but stops before `in`.
ExprPtr Parser::targetList() {
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
  return finish(std::move(tuple));
}

ExprPtr Parser::test() {
  NestingGuard guard(*this);
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
  return finish(std::move(e));
}

ExprPtr Parser::binary(const std::string& op, ExprPtr left, ExprPtr right, const SourcePos& pos) {
  auto e = node<BinaryExpr>(pos);
  e->op = op;
  e->left = std::move(left);
  e->right = std::move(right);
  return finish(std::move(e));
}

ExprPtr Parser::orTest() {
  SourcePos pos = peek().pos;
  ExprPtr left = andTest();
  while (isName("or")) {
    next();
    left = binary("or", std::move(left), andTest(), pos);
  }
  return left;
}
ExprPtr Parser::andTest() {
  SourcePos pos = peek().pos;
  ExprPtr left = notTest();
  while (isName("and")) {
    next();
    left = binary("and", std::move(left), notTest(), pos);
  }
  return left;
}
ExprPtr Parser::notTest() {
  if (!isName("not")) return comparison();
  NestingGuard guard(*this);
  SourcePos pos = peek().pos;
  next();
  auto e = node<UnaryExpr>(pos);
  e->op = "not";
  e->operand = notTest();
  return finish(std::move(e));
}
std::string Parser::comparisonOp() {
  if (isAnyOp({"<", ">", "==", ">=", "<=", "!="})) return next().text;
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
// The most nodes comparison chains may copy in one file: far above real code (a chain copies
// its middle operands, usually a name or two), and what bounds the parse time of chains nested
// in chains.
constexpr size_t kMaxChainCopies = 100000;

// `a < b < c` becomes `(a < b) and (b < c)`, as Python defines chains.
ExprPtr Parser::comparison() {
  SourcePos pos = peek().pos;
  ExprPtr left = bitOr();
  std::string op = comparisonOp();
  if (op.empty()) return left;
  ExprPtr right = bitOr();
  ExprPtr result;
  for (;;) {
    std::string nextOp = comparisonOp();
    ExprPtr middle;
    if (!nextOp.empty()) {
      const size_t before = clonedExprNodes();
      middle = cloneExpr(*right);
      chainCopies_ += clonedExprNodes() - before;
      if (chainCopies_ > kMaxChainCopies) {
        fail("comparison chains nested in comparison chains are too large to expand (limit " +
             std::to_string(kMaxChainCopies) + " copied nodes)");
      }
    }
    SourcePos linkPos = right->pos;
    ExprPtr link = binary(op, std::move(left), std::move(right), pos);
    result = result ? binary("and", std::move(result), std::move(link), pos) : std::move(link);
    if (nextOp.empty()) return result;
    left = std::move(middle);
    pos = linkPos;
    op = nextOp;
    right = bitOr();
  }
}

ExprPtr Parser::leftAssoc(ExprPtr (Parser::*operand)(), std::initializer_list<const char*> ops) {
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
ExprPtr Parser::bitOr() {
  return leftAssoc(&Parser::bitXor, {"|"});
}
ExprPtr Parser::bitXor() {
  return leftAssoc(&Parser::bitAnd, {"^"});
}
ExprPtr Parser::bitAnd() {
  return leftAssoc(&Parser::shift, {"&"});
}
ExprPtr Parser::shift() {
  return leftAssoc(&Parser::arith, {"<<", ">>"});
}
ExprPtr Parser::arith() {
  return leftAssoc(&Parser::term, {"+", "-"});
}
ExprPtr Parser::term() {
  return leftAssoc(&Parser::factor, {"*", "/", "//", "%", "@"});
}

ExprPtr Parser::factor() {
  if (isOp("-") && peek(1).kind == TokenKind::Float && peek(1).text == kInt64MinMagnitude &&
      !isOp("**", 2) && !isOp(".", 2) && !isOp("(", 2) && !isOp("[", 2)) {
    auto c = node<ConstantExpr>(peek().pos);
    next();
    next();
    c->value = IValue(std::numeric_limits<int64_t>::min());
    return finish(std::move(c));
  }
  if (isOp("-") || isOp("+") || isOp("~")) {
    NestingGuard guard(*this);
    SourcePos pos = peek().pos;
    std::string op = next().text;
    ExprPtr operand = factor();
    // Fold negative literals so `-1` and `-inf` stay constants for the compiler.
    if (op == "-" && operand->kind == ExprKind::Constant) {
      auto& constant = static_cast<ConstantExpr&>(*operand);
      if (constant.value.isInt()) {
        // 2**63 has no int64 (found by fuzz_torchscript_parser: negating it overflowed).
        if (constant.value.toInt() == std::numeric_limits<int64_t>::min())
          fail("integer literal -(-9223372036854775808) is out of the int64 range");
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
    return finish(std::move(e));
  }
  return power();
}
ExprPtr Parser::power() {
  SourcePos pos = peek().pos;
  ExprPtr base = primary();
  if (!isOp("**")) return base;
  NestingGuard guard(*this);  // `a ** b ** c` recurses through factor()
  next();
  return binary("**", std::move(base), factor(), pos);
}

ExprPtr Parser::primary() {
  ExprPtr e = atom();
  for (;;) {
    if (isOp(".")) {
      next();
      auto attr = node<AttributeExpr>(e->pos);
      attr->value = std::move(e);
      attr->attr = expectName();
      e = finish(std::move(attr));
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
      e = finish(std::move(call));
    } else if (isOp("[")) {
      next();
      auto sub = node<SubscriptExpr>(e->pos);
      sub->value = std::move(e);
      sub->index = subscriptList();
      expectOp("]");
      e = finish(std::move(sub));
    } else {
      return e;
    }
  }
}

ExprPtr Parser::subscriptList() {
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
  return finish(std::move(tuple));
}
ExprPtr Parser::subscript() {
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
  return finish(std::move(slice));
}

ExprPtr Parser::atom() {
  const Token& token = peek();
  SourcePos pos = token.pos;
  switch (token.kind) {
    case TokenKind::Name: {
      std::string name = next().text;
      if (name == "None" || name == "True" || name == "False") {
        auto c = node<ConstantExpr>(pos);
        c->value = name == "None" ? IValue() : IValue(name == "True");
        return finish(std::move(c));
      }
      auto n = node<NameExpr>(pos);
      n->id = name;
      return finish(std::move(n));
    }
    case TokenKind::Int: {
      auto c = node<ConstantExpr>(pos);
      c->value = IValue(next().intValue);
      return finish(std::move(c));
    }
    case TokenKind::Float: {
      auto c = node<ConstantExpr>(pos);
      c->value = IValue(next().floatValue);
      return finish(std::move(c));
    }
    case TokenKind::String: {
      std::string text;
      while (at(TokenKind::String)) text += next().text;  // implicit concatenation
      auto c = node<ConstantExpr>(pos);
      c->value = IValue(text);
      return finish(std::move(c));
    }
    default:
      break;
  }
  if (isOp("(")) {
    next();
    if (isOp(")")) {
      next();
      return finish(node<TupleExpr>(pos));
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
    return finish(std::move(tuple));
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
    return finish(std::move(list));
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
    return finish(std::move(dict));
  }
  fail("expected an expression" + found());
}
}  // namespace ts2coreml::torchscript::detail
