// Syntactic scans of statement lists, made before a loop is emitted: which names its body assigns
// (they become loop-carried values) and which lists it appends to (they become stacked tensors).
#include "torchscript/compiler/statement_scan.h"

namespace ts2coreml::torchscript {

// Names of the lists that `torch.append(NAME, item)` grows anywhere in `statements` (nested
// blocks included): that is how printed TorchScript spells `NAME.append(item)`.
void collectAppended(const std::vector<StmtPtr>& statements, std::vector<std::string>& names) {
  auto visitValue = [&](const Expr* value) {
    if (!value || value->kind != ExprKind::Call) return;
    const auto& call = static_cast<const CallExpr&>(*value);
    if (call.func->kind != ExprKind::Attribute || call.args.empty()) return;
    const auto& func = static_cast<const AttributeExpr&>(*call.func);
    if (func.attr != "append" || call.args[0]->kind != ExprKind::Name) return;
    if (func.value->kind == ExprKind::Name &&
        static_cast<const NameExpr&>(*func.value).id == "torch") {
      names.push_back(static_cast<const NameExpr&>(*call.args[0]).id);
    }
  };
  for (const auto& statement : statements) {
    switch (statement->kind) {
      case StmtKind::Assign:
        visitValue(static_cast<const AssignStmt&>(*statement).value.get());
        break;
      case StmtKind::Expr:
        visitValue(static_cast<const ExprStmt&>(*statement).value.get());
        break;
      case StmtKind::If: {
        const auto& s = static_cast<const IfStmt&>(*statement);
        collectAppended(s.body, names);
        collectAppended(s.orelse, names);
        break;
      }
      case StmtKind::For:
        collectAppended(static_cast<const ForStmt&>(*statement).body, names);
        break;
      case StmtKind::While:
        collectAppended(static_cast<const WhileStmt&>(*statement).body, names);
        break;
      case StmtKind::With:
        collectAppended(static_cast<const WithStmt&>(*statement).body, names);
        break;
      default:
        break;
    }
  }
}

// Names assigned anywhere in `statements` (nested blocks included), in order of appearance.
void collectAssignedTarget(const Expr& target, std::vector<std::string>& names) {
  if (target.kind == ExprKind::Name) {
    names.push_back(static_cast<const NameExpr&>(target).id);
  } else if (target.kind == ExprKind::Tuple) {
    for (const auto& item : static_cast<const TupleExpr&>(target).elements)
      collectAssignedTarget(*item, names);
  } else if (target.kind == ExprKind::List) {
    for (const auto& item : static_cast<const ListExpr&>(target).elements)
      collectAssignedTarget(*item, names);
  }
}

void collectAssigned(const std::vector<StmtPtr>& statements, std::vector<std::string>& names) {
  for (const auto& statement : statements) {
    switch (statement->kind) {
      case StmtKind::Assign:
        for (const auto& target : static_cast<const AssignStmt&>(*statement).targets)
          collectAssignedTarget(*target, names);
        break;
      case StmtKind::AnnAssign:
        collectAssignedTarget(*static_cast<const AnnAssignStmt&>(*statement).target, names);
        break;
      case StmtKind::AugAssign:
        collectAssignedTarget(*static_cast<const AugAssignStmt&>(*statement).target, names);
        break;
      case StmtKind::If: {
        const auto& s = static_cast<const IfStmt&>(*statement);
        collectAssigned(s.body, names);
        collectAssigned(s.orelse, names);
        break;
      }
      case StmtKind::For: {
        const auto& s = static_cast<const ForStmt&>(*statement);
        collectAssignedTarget(*s.target, names);
        collectAssigned(s.body, names);
        break;
      }
      case StmtKind::While:
        collectAssigned(static_cast<const WhileStmt&>(*statement).body, names);
        break;
      case StmtKind::With:
        collectAssigned(static_cast<const WithStmt&>(*statement).body, names);
        break;
      default:
        break;
    }
  }
}

}  // namespace ts2coreml::torchscript
