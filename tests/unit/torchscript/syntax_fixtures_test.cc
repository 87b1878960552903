// Structure of code printed by torch 2.13 and 1.13 (tests/fixtures/torchscript_code, written by
// tools/fixtures/dump_torchscript_code.py). The facts checked are visible in the Python source
// of those models: class kinds, method names, literals.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "torchscript/syntax/parser.h"

namespace ts2coreml::torchscript {
namespace {

std::unique_ptr<Module> parseFixture(const std::string& name) {
  std::string path = TS2COREML_FIXTURES_DIR "/torchscript_code/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parseModule(text.str(), name);
}

const ClassDef& classNamed(const Module& module, const std::string& name) {
  for (const auto& s : module.body) {
    if (s->kind == StmtKind::ClassDef && static_cast<const ClassDef&>(*s).name == name)
      return static_cast<const ClassDef&>(*s);
  }
  throw std::runtime_error("no class " + name);
}

std::vector<std::string> methodNames(const ClassDef& def) {
  std::vector<std::string> names;
  for (const auto& s : def.body) {
    if (s->kind == StmtKind::FunctionDef) names.push_back(static_cast<const FunctionDef&>(*s).name);
  }
  return names;
}

const FunctionDef& methodNamed(const ClassDef& def, const std::string& name) {
  for (const auto& s : def.body) {
    if (s->kind == StmtKind::FunctionDef && static_cast<const FunctionDef&>(*s).name == name)
      return static_cast<const FunctionDef&>(*s);
  }
  throw std::runtime_error("no method " + name);
}

std::string baseName(const ClassDef& def) {
  if (def.bases.size() != 1 || def.bases[0]->kind != ExprKind::Name) return "";
  return static_cast<const NameExpr&>(*def.bases[0]).id;
}

// Visits every expression below `stmts` (statement bodies included).
void forEachExpr(const std::vector<StmtPtr>& stmts, const std::function<void(const Expr&)>& f);

void visit(const Expr* e, const std::function<void(const Expr&)>& f) {
  if (!e) return;
  f(*e);
  switch (e->kind) {
    case ExprKind::Attribute:
      visit(static_cast<const AttributeExpr*>(e)->value.get(), f);
      break;
    case ExprKind::Call: {
      auto* c = static_cast<const CallExpr*>(e);
      visit(c->func.get(), f);
      for (const auto& a : c->args) visit(a.get(), f);
      for (const auto& k : c->keywords) visit(k.value.get(), f);
      break;
    }
    case ExprKind::Subscript:
      visit(static_cast<const SubscriptExpr*>(e)->value.get(), f);
      visit(static_cast<const SubscriptExpr*>(e)->index.get(), f);
      break;
    case ExprKind::Tuple:
      for (const auto& x : static_cast<const TupleExpr*>(e)->elements) visit(x.get(), f);
      break;
    case ExprKind::List:
      for (const auto& x : static_cast<const ListExpr*>(e)->elements) visit(x.get(), f);
      break;
    case ExprKind::BinOp:
      visit(static_cast<const BinaryExpr*>(e)->left.get(), f);
      visit(static_cast<const BinaryExpr*>(e)->right.get(), f);
      break;
    case ExprKind::UnaryOp:
      visit(static_cast<const UnaryExpr*>(e)->operand.get(), f);
      break;
    default:
      break;
  }
}

void forEachExpr(const std::vector<StmtPtr>& stmts, const std::function<void(const Expr&)>& f) {
  for (const auto& s : stmts) {
    switch (s->kind) {
      case StmtKind::Assign: {
        auto& a = static_cast<const AssignStmt&>(*s);
        for (const auto& t : a.targets) visit(t.get(), f);
        visit(a.value.get(), f);
        break;
      }
      case StmtKind::AnnAssign:
        visit(static_cast<const AnnAssignStmt&>(*s).value.get(), f);
        break;
      case StmtKind::Expr:
        visit(static_cast<const ExprStmt&>(*s).value.get(), f);
        break;
      case StmtKind::Return:
        visit(static_cast<const ReturnStmt&>(*s).value.get(), f);
        break;
      case StmtKind::If: {
        auto& i = static_cast<const IfStmt&>(*s);
        visit(i.test.get(), f);
        forEachExpr(i.body, f);
        forEachExpr(i.orelse, f);
        break;
      }
      case StmtKind::While:
        visit(static_cast<const WhileStmt&>(*s).test.get(), f);
        forEachExpr(static_cast<const WhileStmt&>(*s).body, f);
        break;
      case StmtKind::For:
        visit(static_cast<const ForStmt&>(*s).iter.get(), f);
        forEachExpr(static_cast<const ForStmt&>(*s).body, f);
        break;
      case StmtKind::With:
        forEachExpr(static_cast<const WithStmt&>(*s).body, f);
        break;
      default:
        break;
    }
  }
}

class Fixtures : public ::testing::TestWithParam<std::string> {};

// Features: Enum, module interface, NamedTuple, script class, dict.items loop with continue,
// for with break, raise, assert, with no_grad, list comprehension, float and string literals.
TEST_P(Fixtures, FeaturesModel) {
  auto module = parseFixture("features_" + GetParam() + "____torch__.py");
  EXPECT_EQ(baseName(classNamed(*module, "Features")), "Module");
  EXPECT_EQ(baseName(classNamed(*module, "Stats")), "NamedTuple");
  EXPECT_EQ(baseName(classNamed(*module, "ActInterface")), "ModuleInterface");
  EXPECT_TRUE(classNamed(*module, "Pair").bases.empty());
  EXPECT_EQ(methodNames(classNamed(*module, "Pair")), std::vector<std::string>{"__init__"});

  // class Color(Enum): RED = 1, GREEN = 2
  const ClassDef& color = classNamed(*module, "Color");
  EXPECT_EQ(baseName(color), "Enum");
  ASSERT_EQ(color.body.size(), 2u);
  const auto& green = static_cast<const AssignStmt&>(*color.body[1]);
  EXPECT_EQ(static_cast<const NameExpr&>(*green.targets[0]).id, "GREEN");
  EXPECT_EQ(static_cast<const ConstantExpr&>(*green.value).value, IValue(int64_t{2}));

  // Stats(NamedTuple): `total : Tensor`, `count : int` without values.
  const ClassDef& stats = classNamed(*module, "Stats");
  ASSERT_EQ(stats.body.size(), 2u);
  EXPECT_EQ(stats.body[1]->kind, StmtKind::AnnAssign);
  EXPECT_EQ(static_cast<const AnnAssignStmt&>(*stats.body[1]).value, nullptr);

  const FunctionDef& forward = methodNamed(classNamed(*module, "Features"), "forward");
  ASSERT_EQ(forward.params.size(), 4u);
  EXPECT_NE(forward.params[3].defaultValue, nullptr);  // limit: Optional[int]=None

  std::vector<IValue> constants;
  std::vector<const TupleExpr*> unpackTargets;
  forEachExpr(forward.body, [&](const Expr& e) {
    if (e.kind == ExprKind::Constant)
      constants.push_back(static_cast<const ConstantExpr&>(e).value);
  });
  for (const auto& s : forward.body) {
    if (s->kind != StmtKind::While) continue;
    for (const auto& inner : static_cast<const WhileStmt&>(*s).body) {
      if (inner->kind != StmtKind::Assign) continue;
      const auto& target = *static_cast<const AssignStmt&>(*inner).targets[0];
      if (target.kind == ExprKind::Tuple)
        unpackTargets.push_back(&static_cast<const TupleExpr&>(target));
    }
  }
  auto has = [&](const IValue& v) {
    return std::find(constants.begin(), constants.end(), v) != constants.end();
  };
  EXPECT_TRUE(has(IValue(std::string("skip\x01it's"))));  // "skip\001it\'s"
  EXPECT_TRUE(has(IValue(0.1)));                          // 0.10000000000000001
  EXPECT_TRUE(has(IValue(1e20)));                         // 1e+20
  EXPECT_TRUE(has(IValue(std::string("builtins.ValueError"))));
  // `name, w, = _2[_4]` (dict.items loop) is the first tuple assignment in a while body.
  ASSERT_FALSE(unpackTargets.empty());
  EXPECT_EQ(unpackTargets[0]->elements.size(), 2u);

  // `with _20:` wraps the comprehension loop; the context manager class is no_grad.
  bool sawWith = false;
  for (const auto& s : forward.body) sawWith |= s->kind == StmtKind::With;
  EXPECT_TRUE(sawWith);
  auto grad = parseFixture("features_" + GetParam() + "____torch____torch__autograd__grad_mode.py");
  EXPECT_EQ(methodNames(classNamed(*grad, "no_grad")),
            (std::vector<std::string>{"__enter__", "__exit__", "__init__"}));
}

// nn.LSTM uses @overload methods, printed as forward__0 / forward__1; PackedSequence is a
// NamedTuple.
TEST_P(Fixtures, LstmOverloadsAndPackedSequence) {
  auto rnn = parseFixture("lstm_" + GetParam() + "____torch____torch__nn__modules__rnn.py");
  std::vector<std::string> names = methodNames(classNamed(*rnn, "LSTM"));
  EXPECT_NE(std::find(names.begin(), names.end(), "forward__0"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "forward__1"), names.end());
  auto utils = parseFixture("lstm_" + GetParam() + "____torch____torch__nn__utils__rnn.py");
  EXPECT_EQ(baseName(classNamed(*utils, "PackedSequence")), "NamedTuple");
}

// torch.jit.freeze: weights folded into CONSTANTS.cN, trailing defaults dropped from conv2d.
TEST_P(Fixtures, FrozenConvBnRelu) {
  std::string dir = TS2COREML_FIXTURES_DIR "/torchscript_code/";
  std::string file;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("frozen_" + GetParam(), 0) == 0) file = name;
  }
  ASSERT_FALSE(file.empty());
  auto module = parseFixture(file);
  const FunctionDef& forward = methodNamed(classNamed(*module, "ConvBnRelu"), "forward");
  const auto& conv =
      static_cast<const CallExpr&>(*static_cast<const AssignStmt&>(*forward.body[0]).value);
  ASSERT_EQ(conv.args.size(), 5u);
  const auto& weight = static_cast<const AttributeExpr&>(*conv.args[1]);
  EXPECT_EQ(weight.attr, "c0");
  EXPECT_EQ(static_cast<const NameExpr&>(*weight.value).id, "CONSTANTS");
}

// Misc: `2.5e-05` prints as 2.5000000000000001e-05 (a float), `12345678901.0` as 12345678901
// (an int token, torchscript-archive-format.md 3.5).
TEST_P(Fixtures, MiscLiterals) {
  auto module = parseFixture("misc_" + GetParam() + "____torch__.py");
  const FunctionDef& forward = methodNamed(classNamed(*module, "Misc"), "forward");
  const auto& ret = static_cast<const AssignStmt&>(*forward.body[forward.body.size() - 2]);
  const auto& tuple = static_cast<const TupleExpr&>(*ret.value);
  ASSERT_EQ(tuple.elements.size(), 3u);
  EXPECT_EQ(static_cast<const ConstantExpr&>(*tuple.elements[1]).value, IValue(2.5e-05));
  EXPECT_EQ(static_cast<const ConstantExpr&>(*tuple.elements[2]).value,
            IValue(int64_t{12345678901}));
  const auto& first = static_cast<const AssignStmt&>(*forward.body[0]);
  EXPECT_EQ(static_cast<const ConstantExpr&>(*first.value).value,
            IValue(std::string("AssertionError: tab\there \"q\" \\ ok")));
}

INSTANTIATE_TEST_SUITE_P(TorchVersions, Fixtures, ::testing::Values("t1.13", "t2.13"));

}  // namespace
}  // namespace ts2coreml::torchscript
