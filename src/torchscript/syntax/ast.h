// Syntax tree of the serialized TorchScript code (a restricted Python). Every node keeps its
// position: line, column and byte range in the code file (the byte offset finds the node's
// .debug_pkl record, i.e. the original Python line).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/ivalue.h"

namespace ts2coreml::torchscript {

struct SourcePos {
  int line = 0;       // 1-based
  int column = 0;     // 1-based, in bytes
  size_t offset = 0;  // byte offset of the first character
  // One past the last byte of the node (of its last token; for a compound statement, of the
  // last token of its body). Equal to `offset` for INDENT/DEDENT/NEWLINE tokens.
  size_t endOffset = 0;
};

enum class ExprKind {
  Name,
  Constant,
  Attribute,
  Call,
  Subscript,
  Slice,
  Tuple,
  List,
  Dict,
  UnaryOp,
  BinOp,
  IfExp
};

struct Expr {
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  ExprKind kind;
  SourcePos pos;
  // Levels of the tree below and including this node (set by the parser, which refuses trees
  // deeper than its nesting limit so that every recursive walk of them stays bounded).
  uint32_t height = 1;
};
using ExprPtr = std::unique_ptr<Expr>;

struct NameExpr : Expr {
  NameExpr() : Expr(ExprKind::Name) {}
  std::string id;
};
// int, float, str, bool and None literals.
struct ConstantExpr : Expr {
  ConstantExpr() : Expr(ExprKind::Constant) {}
  IValue value;
};
struct AttributeExpr : Expr {
  AttributeExpr() : Expr(ExprKind::Attribute) {}
  ExprPtr value;
  std::string attr;
};
struct Keyword {
  std::string name;
  ExprPtr value;
};
struct CallExpr : Expr {
  CallExpr() : Expr(ExprKind::Call) {}
  ExprPtr func;
  std::vector<ExprPtr> args;
  std::vector<Keyword> keywords;
};
struct SubscriptExpr : Expr {
  SubscriptExpr() : Expr(ExprKind::Subscript) {}
  ExprPtr value;
  ExprPtr index;  // a SliceExpr for `a[1:3]`, a TupleExpr for `a[1, 2]`
};
struct SliceExpr : Expr {
  SliceExpr() : Expr(ExprKind::Slice) {}
  ExprPtr lower, upper, step;  // each may be null
};
struct TupleExpr : Expr {
  TupleExpr() : Expr(ExprKind::Tuple) {}
  std::vector<ExprPtr> elements;
};
struct ListExpr : Expr {
  ListExpr() : Expr(ExprKind::List) {}
  std::vector<ExprPtr> elements;
};
struct DictExpr : Expr {
  DictExpr() : Expr(ExprKind::Dict) {}
  std::vector<ExprPtr> keys, values;
};
// `-x`, `not x`, `~x`, `+x`.
struct UnaryExpr : Expr {
  UnaryExpr() : Expr(ExprKind::UnaryOp) {}
  std::string op;
  ExprPtr operand;
};
// Arithmetic, comparison (`==`, `is not`, `in`, `not in`, ...) and boolean (`and`, `or`)
// operators; a comparison chain `a < b < c` is parsed as `(a < b) and (b < c)` with `b` cloned
// (printed code never chains, so evaluating `b` twice is not a concern in practice).
struct BinaryExpr : Expr {
  BinaryExpr() : Expr(ExprKind::BinOp) {}
  std::string op;
  ExprPtr left, right;
};
struct IfExpr : Expr {
  IfExpr() : Expr(ExprKind::IfExp) {}
  ExprPtr test, body, orelse;
};

enum class StmtKind {
  Assign,
  AnnAssign,
  AugAssign,
  Expr,
  If,
  For,
  While,
  Return,
  Pass,
  Break,
  Continue,
  With,
  Raise,
  Assert,
  Del,
  FunctionDef,
  ClassDef,
};

struct Stmt {
  explicit Stmt(StmtKind k) : kind(k) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  SourcePos pos;
};
using StmtPtr = std::unique_ptr<Stmt>;

// `a = b = value`; targets may be tuples (`a, b, = t`).
struct AssignStmt : Stmt {
  AssignStmt() : Stmt(StmtKind::Assign) {}
  std::vector<ExprPtr> targets;
  ExprPtr value;
};
// `x : T = value`, or `x : T` (class attribute declarations).
struct AnnAssignStmt : Stmt {
  AnnAssignStmt() : Stmt(StmtKind::AnnAssign) {}
  ExprPtr target, annotation, value;
};
struct AugAssignStmt : Stmt {
  AugAssignStmt() : Stmt(StmtKind::AugAssign) {}
  ExprPtr target;
  std::string op;  // "+" for `+=`
  ExprPtr value;
};
struct ExprStmt : Stmt {
  ExprStmt() : Stmt(StmtKind::Expr) {}
  ExprPtr value;
};
struct IfStmt : Stmt {
  IfStmt() : Stmt(StmtKind::If) {}
  ExprPtr test;
  std::vector<StmtPtr> body, orelse;  // `elif` is an IfStmt alone in orelse
};
struct ForStmt : Stmt {
  ForStmt() : Stmt(StmtKind::For) {}
  ExprPtr target, iter;
  std::vector<StmtPtr> body;
};
struct WhileStmt : Stmt {
  WhileStmt() : Stmt(StmtKind::While) {}
  ExprPtr test;
  std::vector<StmtPtr> body;
};
struct ReturnStmt : Stmt {
  ReturnStmt() : Stmt(StmtKind::Return) {}
  ExprPtr value;  // may be null
};
struct WithStmt : Stmt {
  WithStmt() : Stmt(StmtKind::With) {}
  std::vector<ExprPtr> items;
  std::vector<StmtPtr> body;
};
struct RaiseStmt : Stmt {
  RaiseStmt() : Stmt(StmtKind::Raise) {}
  ExprPtr exception;  // may be null
};
struct AssertStmt : Stmt {
  AssertStmt() : Stmt(StmtKind::Assert) {}
  ExprPtr test, message;
};
struct SimpleStmt : Stmt {  // pass, break, continue
  explicit SimpleStmt(StmtKind k) : Stmt(k) {}
};
struct DelStmt : Stmt {
  DelStmt() : Stmt(StmtKind::Del) {}
  std::vector<ExprPtr> targets;
};
struct Param {
  std::string name;
  ExprPtr annotation;    // may be null
  ExprPtr defaultValue;  // may be null
};
struct FunctionDef : Stmt {
  FunctionDef() : Stmt(StmtKind::FunctionDef) {}
  std::string name;
  std::vector<Param> params;
  ExprPtr returns;
  std::vector<StmtPtr> body;
};
struct ClassDef : Stmt {
  ClassDef() : Stmt(StmtKind::ClassDef) {}
  std::string name;
  std::vector<ExprPtr> bases;
  std::vector<StmtPtr> body;
};

// A top-level file: classes and functions (`op_version_set = N` and imports are dropped).
struct Module {
  std::vector<StmtPtr> body;
};

// Deep copy of an expression tree, positions included.
ExprPtr cloneExpr(const Expr& expr);
// How many nodes cloneExpr has made on this thread (the parser bounds what comparison chains,
// which copy their middle operands, may cost).
size_t clonedExprNodes();

}  // namespace ts2coreml::torchscript
