#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "torchscript/syntax/lexer.h"
#include "torchscript/syntax/parser.h"

namespace ts2coreml::torchscript {
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const ClassDef& firstClass(const Module& module) {
  for (const auto& statement : module.body) {
    if (statement->kind == StmtKind::ClassDef) return static_cast<const ClassDef&>(*statement);
  }
  throw std::runtime_error("no class");
}

const FunctionDef& method(const ClassDef& def, const std::string& name) {
  for (const auto& statement : def.body) {
    if (statement->kind == StmtKind::FunctionDef &&
        static_cast<const FunctionDef&>(*statement).name == name) {
      return static_cast<const FunctionDef&>(*statement);
    }
  }
  throw std::runtime_error("no method " + name);
}

// Every code file dumped from real scripted models (torch 2.13 and 1.13: ControlFlowNet, LSTM,
// GRU, TransformerEncoderLayer, loops with break/continue) parses.
TEST(Parser, ParsesEveryDumpedCodeFile) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(TS2COREML_FIXTURES_DIR "/torchscript_code")) {
    SCOPED_TRACE(entry.path().string());
    auto module = parseModule(readFile(entry.path()), entry.path().filename().string());
    EXPECT_FALSE(module->body.empty());
    ++files;
  }
  EXPECT_GE(files, 20);
}

TEST(Parser, ControlFlowNetStructure) {
  auto module = parseModule(
      readFile(TS2COREML_FIXTURES_DIR "/torchscript_code/controlflow_t2.13____torch__.py"),
      "code/__torch__.py");
  const ClassDef& net = firstClass(*module);
  EXPECT_EQ(net.name, "ControlFlowNet");
  const FunctionDef& forward = method(net, "forward");
  ASSERT_EQ(forward.params.size(), 2u);
  EXPECT_EQ(forward.params[1].name, "x");
  bool sawIf = false, sawFor = false;
  for (const auto& statement : forward.body) {
    sawIf |= statement->kind == StmtKind::If;
    sawFor |= statement->kind == StmtKind::For;
  }
  EXPECT_TRUE(sawIf);
  EXPECT_TRUE(sawFor);
}

TEST(Parser, TupleUnpackingWithTrailingComma) {
  auto module =
      parseModule("def f(x: Tensor) -> int:\n  b, c, h, w, = torch.size(x)\n  return h\n", "t.py");
  const auto& def = static_cast<const FunctionDef&>(*module->body[0]);
  const auto& assign = static_cast<const AssignStmt&>(*def.body[0]);
  ASSERT_EQ(assign.targets.size(), 1u);
  ASSERT_EQ(assign.targets[0]->kind, ExprKind::Tuple);
  EXPECT_EQ(static_cast<const TupleExpr&>(*assign.targets[0]).elements.size(), 4u);
}

TEST(Parser, LiteralKinds) {
  auto module = parseModule(
      "x = (2., 1.0000000000000001e-05, 12345678901, -5, \"a\\tb\\\"c\\101\", -inf, None)\n",
      "t.py");
  const auto& assign = static_cast<const AssignStmt&>(*module->body[0]);
  const auto& tuple = static_cast<const TupleExpr&>(*assign.value);
  auto constant = [&](size_t i) {
    return static_cast<const ConstantExpr&>(*tuple.elements[i]).value;
  };
  EXPECT_TRUE(constant(0).isDouble());
  EXPECT_DOUBLE_EQ(constant(0).toDouble(), 2.0);
  EXPECT_DOUBLE_EQ(constant(1).toDouble(), 1e-05);
  EXPECT_TRUE(constant(2).isInt());  // whole floats >= 1e10 print without a dot
  EXPECT_EQ(constant(2).toInt(), 12345678901);
  EXPECT_EQ(constant(3).toInt(), -5);
  EXPECT_EQ(constant(4).toString(), "a\tb\"cA");
  EXPECT_EQ(tuple.elements[5]->kind, ExprKind::UnaryOp);  // `inf` is a name the compiler resolves
  EXPECT_TRUE(constant(6).isNone());
}

TEST(Parser, ClassHeaderAndPositions) {
  std::string code =
      "class Conv2d(Module):\n"
      "  __parameters__ = [\"weight\", ]\n"
      "  weight : Tensor\n"
      "  padding : Final[Tuple[int, int]] = (1, 1)\n"
      "  __annotations__[\"0\"] = __torch__.Block\n"
      "  def forward(self: __torch__.Conv2d,\n"
      "    input: Tensor) -> Tensor:\n"
      "    return (self)._conv_forward(input, self.weight, None, )\n";
  auto module = parseModule(code, "conv.py");
  const ClassDef& def = firstClass(*module);
  ASSERT_EQ(def.body.size(), 5u);
  EXPECT_EQ(def.body[1]->kind, StmtKind::AnnAssign);
  EXPECT_EQ(static_cast<const AnnAssignStmt&>(*def.body[1]).value, nullptr);
  EXPECT_NE(static_cast<const AnnAssignStmt&>(*def.body[2]).value, nullptr);
  const FunctionDef& forward = method(def, "forward");
  const auto& ret = static_cast<const ReturnStmt&>(*forward.body[0]);
  EXPECT_EQ(ret.pos.line, 8);
  EXPECT_EQ(ret.pos.offset, code.find("return"));
  const auto& call = static_cast<const CallExpr&>(*ret.value);
  EXPECT_EQ(call.args.size(), 3u);
}

TEST(Parser, ErrorsNameFileLineAndColumn) {
  try {
    parseModule("def f(x):\n  y = (1, 2\n", "code/__torch__.py");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("code/__torch__.py:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parseModule("x = \"unterminated\n", "t.py"), Error);
}

}  // namespace
}  // namespace ts2coreml::torchscript
