#include "torchscript/syntax/ast.h"

namespace ts2coreml::torchscript {
namespace {

thread_local size_t clonedNodes = 0;

ExprPtr cloneOrNull(const ExprPtr& expr) {
  return expr ? cloneExpr(*expr) : nullptr;
}

std::vector<ExprPtr> cloneAll(const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> copies;
  copies.reserve(exprs.size());
  for (const ExprPtr& e : exprs) copies.push_back(cloneExpr(*e));
  return copies;
}

template <typename T>
std::unique_ptr<T> shell(const Expr& original) {
  auto copy = std::make_unique<T>();
  copy->pos = original.pos;
  ++clonedNodes;
  return copy;
}

}  // namespace

size_t clonedExprNodes() {
  return clonedNodes;
}

ExprPtr cloneExpr(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::Name: {
      auto copy = shell<NameExpr>(expr);
      copy->id = static_cast<const NameExpr&>(expr).id;
      return copy;
    }
    case ExprKind::Constant: {
      auto copy = shell<ConstantExpr>(expr);
      copy->value = static_cast<const ConstantExpr&>(expr).value;
      return copy;
    }
    case ExprKind::Attribute: {
      const auto& from = static_cast<const AttributeExpr&>(expr);
      auto copy = shell<AttributeExpr>(expr);
      copy->value = cloneExpr(*from.value);
      copy->attr = from.attr;
      return copy;
    }
    case ExprKind::Call: {
      const auto& from = static_cast<const CallExpr&>(expr);
      auto copy = shell<CallExpr>(expr);
      copy->func = cloneExpr(*from.func);
      copy->args = cloneAll(from.args);
      for (const Keyword& k : from.keywords)
        copy->keywords.push_back({k.name, cloneExpr(*k.value)});
      return copy;
    }
    case ExprKind::Subscript: {
      const auto& from = static_cast<const SubscriptExpr&>(expr);
      auto copy = shell<SubscriptExpr>(expr);
      copy->value = cloneExpr(*from.value);
      copy->index = cloneExpr(*from.index);
      return copy;
    }
    case ExprKind::Slice: {
      const auto& from = static_cast<const SliceExpr&>(expr);
      auto copy = shell<SliceExpr>(expr);
      copy->lower = cloneOrNull(from.lower);
      copy->upper = cloneOrNull(from.upper);
      copy->step = cloneOrNull(from.step);
      return copy;
    }
    case ExprKind::Tuple: {
      auto copy = shell<TupleExpr>(expr);
      copy->elements = cloneAll(static_cast<const TupleExpr&>(expr).elements);
      return copy;
    }
    case ExprKind::List: {
      auto copy = shell<ListExpr>(expr);
      copy->elements = cloneAll(static_cast<const ListExpr&>(expr).elements);
      return copy;
    }
    case ExprKind::Dict: {
      const auto& from = static_cast<const DictExpr&>(expr);
      auto copy = shell<DictExpr>(expr);
      copy->keys = cloneAll(from.keys);
      copy->values = cloneAll(from.values);
      return copy;
    }
    case ExprKind::UnaryOp: {
      const auto& from = static_cast<const UnaryExpr&>(expr);
      auto copy = shell<UnaryExpr>(expr);
      copy->op = from.op;
      copy->operand = cloneExpr(*from.operand);
      return copy;
    }
    case ExprKind::BinOp: {
      const auto& from = static_cast<const BinaryExpr&>(expr);
      auto copy = shell<BinaryExpr>(expr);
      copy->op = from.op;
      copy->left = cloneExpr(*from.left);
      copy->right = cloneExpr(*from.right);
      return copy;
    }
    case ExprKind::IfExp: {
      const auto& from = static_cast<const IfExpr&>(expr);
      auto copy = shell<IfExpr>(expr);
      copy->test = cloneExpr(*from.test);
      copy->body = cloneExpr(*from.body);
      copy->orelse = cloneExpr(*from.orelse);
      return copy;
    }
  }
  return nullptr;  // unreachable: every kind is handled above
}

}  // namespace ts2coreml::torchscript
