// Type annotations of the printed code (`List[int]`, `Optional[Tensor]`, `Tuple[()]`,
// `__torch__.a.B`) -> IR types.
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

// `a.b.c` as a dotted string, or "" when the expression is not a dotted name.
std::string dottedName(const Expr& expr) {
  if (expr.kind == ExprKind::Name) return static_cast<const NameExpr&>(expr).id;
  if (expr.kind == ExprKind::Attribute) {
    const auto& attr = static_cast<const AttributeExpr&>(expr);
    std::string base = dottedName(*attr.value);
    return base.empty() ? "" : base + "." + attr.attr;
  }
  return "";
}

std::vector<const Expr*> subscriptItems(const Expr& index) {
  std::vector<const Expr*> items;
  if (index.kind == ExprKind::Tuple) {
    for (const auto& item : static_cast<const TupleExpr&>(index).elements)
      items.push_back(item.get());
  } else {
    items.push_back(&index);
  }
  return items;
}

}  // namespace

ir::TypePtr ModuleCompiler::parseType(const Expr& annotation) {
  if (annotation.kind == ExprKind::Constant) return ir::Type::noneType();  // `None`
  if (annotation.kind == ExprKind::Subscript) {
    const auto& sub = static_cast<const SubscriptExpr&>(annotation);
    std::string head = dottedName(*sub.value);
    std::vector<ir::TypePtr> args;
    for (const Expr* item : subscriptItems(*sub.index)) {
      if (item->kind == ExprKind::Tuple && static_cast<const TupleExpr*>(item)->elements.empty())
        continue;
      args.push_back(parseType(*item));
    }
    if (head == "List" && args.size() == 1) return ir::Type::list(args[0]);
    if (head == "Optional" && args.size() == 1) return ir::Type::optional(args[0]);
    if (head == "Dict" && args.size() == 2) return ir::Type::dict(args[0], args[1]);
    if (head == "Tuple") return ir::Type::tuple(args);
    if (head == "Final" && args.size() == 1) return args[0];
    if (head == "Union" || head == "Future") return ir::Type::anyType();
    fail(annotation, "unknown type annotation '" + head + "[...]'");
  }
  std::string name = dottedName(annotation);
  if (name == "Tensor") return ir::Type::tensor();
  if (name == "int") return ir::Type::intType();
  if (name == "float") return ir::Type::floatType();
  if (name == "bool") return ir::Type::boolType();
  if (name == "str") return ir::Type::strType();
  if (name == "NoneType" || name == "None") return ir::Type::noneType();
  if (name == "Device") return ir::Type::deviceType();
  if (name == "number" || name == "Scalar") return ir::Type::numberType();
  if (name == "Any") return ir::Type::anyType();
  if (name.rfind("__torch__.", 0) == 0) return ir::Type::classType(name);
  if (name.empty()) fail(annotation, "unsupported type annotation");
  return ir::Type::classType(name);
}

}  // namespace ts2coreml::torchscript
