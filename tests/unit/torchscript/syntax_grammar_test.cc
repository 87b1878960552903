// Parser grammar: Python's operator precedence and statement forms. The expected trees follow
// Python's grammar (e.g. `-2 ** 2` is `-(2 ** 2)`, `not a == b` is `not (a == b)`), printed
// in a compact prefix form to keep the expectations readable.
#include <gtest/gtest.h>

#include <limits>

#include "core/error.h"
#include "torchscript/syntax/parser.h"

namespace ts2coreml::torchscript {
namespace {

std::string show(const Expr& e);

std::string showAll(const std::vector<ExprPtr>& list) {
  std::string out;
  for (const auto& e : list) out += (out.empty() ? "" : " ") + show(*e);
  return out;
}

std::string show(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Name:
      return static_cast<const NameExpr&>(e).id;
    case ExprKind::Constant: {
      const IValue& v = static_cast<const ConstantExpr&>(e).value;
      if (v.isInt()) return std::to_string(v.toInt());
      if (v.isDouble()) return "f" + std::to_string(v.toDouble());
      if (v.isString()) return "'" + v.toString() + "'";
      if (v.isBool()) return v.toBool() ? "True" : "False";
      return "None";
    }
    case ExprKind::Attribute: {
      const auto& a = static_cast<const AttributeExpr&>(e);
      return show(*a.value) + "." + a.attr;
    }
    case ExprKind::Call: {
      const auto& c = static_cast<const CallExpr&>(e);
      std::string out = "(call " + show(*c.func);
      if (!c.args.empty()) out += " " + showAll(c.args);
      for (const auto& k : c.keywords) out += " " + k.name + "=" + show(*k.value);
      return out + ")";
    }
    case ExprKind::Subscript: {
      const auto& s = static_cast<const SubscriptExpr&>(e);
      return "(sub " + show(*s.value) + " " + show(*s.index) + ")";
    }
    case ExprKind::Slice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      auto part = [](const ExprPtr& p) { return p ? show(*p) : std::string("_"); };
      return "(slice " + part(s.lower) + " " + part(s.upper) + " " + part(s.step) + ")";
    }
    case ExprKind::Tuple:
      return "(tuple " + showAll(static_cast<const TupleExpr&>(e).elements) + ")";
    case ExprKind::List:
      return "[" + showAll(static_cast<const ListExpr&>(e).elements) + "]";
    case ExprKind::Dict: {
      const auto& d = static_cast<const DictExpr&>(e);
      std::string out = "{";
      for (size_t i = 0; i < d.keys.size(); ++i)
        out += (i ? " " : "") + show(*d.keys[i]) + ":" + show(*d.values[i]);
      return out + "}";
    }
    case ExprKind::UnaryOp: {
      const auto& u = static_cast<const UnaryExpr&>(e);
      return "(" + u.op + " " + show(*u.operand) + ")";
    }
    case ExprKind::BinOp: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      return "(" + b.op + " " + show(*b.left) + " " + show(*b.right) + ")";
    }
    case ExprKind::IfExp: {
      const auto& i = static_cast<const IfExpr&>(e);
      return "(if " + show(*i.test) + " " + show(*i.body) + " " + show(*i.orelse) + ")";
    }
  }
  return "?";
}

// The value of `x = <expr>` parsed as a module.
std::string expr(const std::string& code) {
  auto module = parseModule("x = " + code + "\n", "t.py");
  return show(*static_cast<const AssignStmt&>(*module->body.at(0)).value);
}

TEST(Grammar, ArithmeticPrecedence) {
  EXPECT_EQ(expr("a + b * c ** -d"), "(+ a (* b (** c (- d))))");
  EXPECT_EQ(expr("-2 ** 2"), "(- (** 2 2))");
  EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr("2 ** 3 ** 2"), "(** 2 (** 3 2))");
  EXPECT_EQ(expr("a // b % c @ d / e"), "(/ (@ (% (// a b) c) d) e)");
  EXPECT_EQ(expr("a | b ^ c & d << e + f"), "(| a (^ b (& c (<< d (+ e f)))))");
  EXPECT_EQ(expr("~a >> 1"), "(>> (~ a) 1)");
  EXPECT_EQ(expr("-1"), "-1");  // negative literals stay constants
  EXPECT_EQ(expr("-2.5"), "f-2.500000");
  EXPECT_EQ(expr("-inf"), "(- inf)");
}

TEST(Grammar, ComparisonAndBooleanPrecedence) {
  EXPECT_EQ(expr("not a == b"), "(not (== a b))");
  EXPECT_EQ(expr("a or b and not c"), "(or a (and b (not c)))");
  EXPECT_EQ(expr("x is not None"), "(is not x None)");
  EXPECT_EQ(expr("k not in d and k in e"), "(and (not in k d) (in k e))");
  EXPECT_EQ(expr("a + 1 < b * 2"), "(< (+ a 1) (* b 2))");
  EXPECT_EQ(expr("a if c else b if d else e"), "(if c a (if d b e))");
  EXPECT_EQ(expr("a < b <= c != d"), "(and (and (< a b) (<= b c)) (!= c d))");
}

TEST(Grammar, PostfixAndDisplays) {
  EXPECT_EQ(expr("(self).conv.forward(x, )"), "(call self.conv.forward x)");
  EXPECT_EQ(expr("torch.zeros([2, n], dtype=6, layout=None)"),
            "(call torch.zeros [2 n] dtype=6 layout=None)");
  EXPECT_EQ(expr("t[1:2]"), "(sub t (slice 1 2 _))");
  EXPECT_EQ(expr("t[::2]"), "(sub t (slice _ _ 2))");
  EXPECT_EQ(expr("t[:, 0]"), "(sub t (tuple (slice _ _ _) 0))");
  EXPECT_EQ(expr("(hx)[0]"), "(sub hx 0)");
  EXPECT_EQ(expr("()"), "(tuple )");
  EXPECT_EQ(expr("(x,)"), "(tuple x)");
  EXPECT_EQ(expr("a, b"), "(tuple a b)");
  EXPECT_EQ(expr("{\"a\": 1, \"b\": 2, }"), "{'a':1 'b':2}");
  EXPECT_EQ(expr("\"con\" \"cat\""), "'concat'");
  EXPECT_EQ(expr("annotate(List[Tensor], [])"), "(call annotate (sub List Tensor) [])");
  EXPECT_EQ(expr("-9223372036854775808"), std::to_string(std::numeric_limits<int64_t>::min()));
}

TEST(Grammar, Statements) {
  std::string code =
      "op_version_set = 1\n"
      "import torch\n"
      "from typing import List\n"
      "def f(self: __torch__.M, x: Tensor, n: int=2) -> Tuple[Tensor, int]:\n"
      "  a = b = 1\n"
      "  c : Optional[int] = None\n"
      "  a += 2\n"
      "  if a: pass\n"
      "  elif b:\n"
      "    a = 3\n"
      "  else:\n"
      "    b = 4\n"
      "  while a < 10:\n"
      "    if a == 5:\n"
      "      break\n"
      "    continue\n"
      "  for i, y, in zip(l, m):\n"
      "    del y, i\n"
      "  with _15:\n"
      "    print(a)\n"
      "  assert a, \"msg\"\n"
      "  raise ValueError(\"bad\")\n"
      "  return (x, a)\n";
  auto module = parseModule(code, "t.py");
  ASSERT_EQ(module->body.size(), 1u);  // version line and imports are skipped
  const auto& def = static_cast<const FunctionDef&>(*module->body[0]);
  EXPECT_EQ(def.name, "f");
  ASSERT_EQ(def.params.size(), 3u);
  EXPECT_EQ(show(*def.params[0].annotation), "__torch__.M");
  EXPECT_EQ(show(*def.params[2].defaultValue), "2");
  EXPECT_EQ(show(*def.returns), "(sub Tuple (tuple Tensor int))");

  std::vector<StmtKind> kinds;
  for (const auto& s : def.body) kinds.push_back(s->kind);
  EXPECT_EQ(kinds,
            (std::vector<StmtKind>{StmtKind::Assign, StmtKind::AnnAssign, StmtKind::AugAssign,
                                   StmtKind::If, StmtKind::While, StmtKind::For, StmtKind::With,
                                   StmtKind::Assert, StmtKind::Raise, StmtKind::Return}));

  const auto& assign = static_cast<const AssignStmt&>(*def.body[0]);
  EXPECT_EQ(assign.targets.size(), 2u);  // a = b = 1
  const auto& ann = static_cast<const AnnAssignStmt&>(*def.body[1]);
  EXPECT_EQ(show(*ann.annotation), "(sub Optional int)");
  EXPECT_EQ(static_cast<const AugAssignStmt&>(*def.body[2]).op, "+");

  const auto& ifs = static_cast<const IfStmt&>(*def.body[3]);
  ASSERT_EQ(ifs.body.size(), 1u);
  EXPECT_EQ(ifs.body[0]->kind, StmtKind::Pass);
  ASSERT_EQ(ifs.orelse.size(), 1u);  // elif is a nested if
  const auto& elif = static_cast<const IfStmt&>(*ifs.orelse[0]);
  EXPECT_EQ(show(*elif.test), "b");
  EXPECT_EQ(elif.orelse.size(), 1u);

  const auto& loop = static_cast<const WhileStmt&>(*def.body[4]);
  EXPECT_EQ(loop.body[1]->kind, StmtKind::Continue);
  EXPECT_EQ(static_cast<const IfStmt&>(*loop.body[0]).body[0]->kind, StmtKind::Break);

  const auto& forLoop = static_cast<const ForStmt&>(*def.body[5]);
  EXPECT_EQ(show(*forLoop.target), "(tuple i y)");
  EXPECT_EQ(show(*forLoop.iter), "(call zip l m)");
  EXPECT_EQ(showAll(static_cast<const DelStmt&>(*forLoop.body[0]).targets), "y i");

  EXPECT_EQ(show(*static_cast<const WithStmt&>(*def.body[6]).items[0]), "_15");
  const auto& assertion = static_cast<const AssertStmt&>(*def.body[7]);
  EXPECT_EQ(show(*assertion.message), "'msg'");
  EXPECT_EQ(show(*static_cast<const RaiseStmt&>(*def.body[8]).exception),
            "(call ValueError 'bad')");
  EXPECT_EQ(show(*static_cast<const ReturnStmt&>(*def.body[9]).value), "(tuple x a)");
}

TEST(Grammar, NodeByteRanges) {
  std::string code =
      "def f(x: Tensor) -> int:\n"
      "  b, c, h, w, = torch.size(x)\n"
      "  if torch.gt(h, 2):\n"
      "    h = 2\n"
      "  return h\n";
  auto module = parseModule(code, "t.py");
  const auto& def = static_cast<const FunctionDef&>(*module->body[0]);
  const auto& unpack = static_cast<const AssignStmt&>(*def.body[0]);
  auto text = [&](const SourcePos& p) { return code.substr(p.offset, p.endOffset - p.offset); };
  EXPECT_EQ(text(unpack.pos), "b, c, h, w, = torch.size(x)");
  EXPECT_EQ(text(unpack.targets[0]->pos), "b, c, h, w,");
  EXPECT_EQ(text(unpack.value->pos), "torch.size(x)");
  EXPECT_EQ(text(static_cast<const CallExpr&>(*unpack.value).func->pos), "torch.size");
  const auto& branch = static_cast<const IfStmt&>(*def.body[1]);
  EXPECT_EQ(text(branch.pos), "if torch.gt(h, 2):\n    h = 2");
  EXPECT_EQ(text(branch.test->pos), "torch.gt(h, 2)");
  EXPECT_EQ(text(def.pos), code.substr(0, code.size() - 1));  // all but the final newline
  EXPECT_EQ(def.body[2]->pos.line, 5);
  EXPECT_EQ(def.body[2]->pos.column, 3);
}

// Found by fuzz_torchscript_parser: a chain copies its middle operand, so chains nested in the
// middle operands of chains doubled with each level (3 KB of code took seconds; this one, 2^40
// copies). The copies are bounded and the parse refused.
TEST(Grammar, NestedComparisonChainsAreBounded) {
  std::string chain = "a";
  for (int level = 0; level < 40; ++level) chain = "a < (" + chain + ") < a";
  try {
    parseModule("x = " + chain + "\n", "t.py");
    FAIL() << "parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too large to expand"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("t.py:1:", 0), 0u) << e.what();
  }
  // A chain of real code still parses: `0 <= i < n`.
  EXPECT_NO_THROW(parseModule("x = 0 <= i < n\n", "t.py"));
}

TEST(Grammar, ErrorsGiveFileLineColumn) {
  auto message = [](const std::string& code) {
    try {
      parseModule(code, "code/__torch__.py");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  EXPECT_EQ(message("x = 1 +\n"),
            "code/__torch__.py:1:8: expected an expression, found end of line");
  EXPECT_EQ(message("def f(x):\nreturn x\n"), "code/__torch__.py:2:1: expected an indented block");
  EXPECT_EQ(message("y = f(a=1, 2)\n"),
            "code/__torch__.py:1:12: positional argument after keyword argument");
  EXPECT_EQ(message("x = a b\n"), "code/__torch__.py:1:7: expected end of statement, found 'b'");
  // Found by fuzz_torchscript_parser: folding the outer minus negated INT64_MIN (overflow).
  EXPECT_EQ(message("x = --9223372036854775808\n"),
            "code/__torch__.py:1:26: integer literal -(-9223372036854775808) is out of the int64 "
            "range");
}

}  // namespace
}  // namespace ts2coreml::torchscript
