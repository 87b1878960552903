// Statements: assignment and unpacking, expression statements, return, raise/assert, with.
#include <climits>
#include <optional>

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

void ModuleCompiler::emitStatements(const std::vector<StmtPtr>& statements, Environment& env) {
  for (const auto& statement : statements) {
    emitStatement(*statement, env);
    if (returned_) return;  // printed code returns only at the end of a function body
  }
}

namespace {

// For `x.size()[-k:]` unpacked into k names: x and the dimensions -k ... -1.
std::optional<std::pair<ir::Value*, std::vector<int64_t>>> trailingSizes(const ir::Node* slice,
                                                                         size_t count) {
  if (!slice || slice->kind() != "aten::slice" || slice->inputs().size() != 4) return std::nullopt;
  const ir::Node* size = slice->input(0)->producer();
  if (!size || size->kind() != "aten::size" || size->inputs().size() != 1) return std::nullopt;
  auto start = GraphEmitter::constantValue(slice->input(1));
  auto end = GraphEmitter::constantValue(slice->input(2));
  auto step = GraphEmitter::constantValue(slice->input(3));
  const bool toEnd = end && (end->isNone() || (end->isInt() && end->toInt() >= INT32_MAX));
  if (!start || !start->isInt() || !toEnd || !step || !step->isInt() || step->toInt() != 1 ||
      start->toInt() != -static_cast<int64_t>(count)) {
    return std::nullopt;
  }
  std::vector<int64_t> dims;
  for (int64_t dim = start->toInt(); dim < 0; ++dim) dims.push_back(dim);
  return std::pair{size->input(0), dims};
}

}  // namespace

void ModuleCompiler::emitAssignTarget(const Expr& target, const SValue& value, Environment& env) {
  switch (target.kind) {
    case ExprKind::Name:
      env.assign(static_cast<const NameExpr&>(target).id, value);
      return;
    case ExprKind::Tuple:
    case ExprKind::List: {
      const auto& targets = target.kind == ExprKind::Tuple
                                ? static_cast<const TupleExpr&>(target).elements
                                : static_cast<const ListExpr&>(target).elements;
      std::vector<SValue> items;
      if (value->kind == SugaredValue::Kind::Tuple || value->kind == SugaredValue::Kind::List) {
        items = value->items;
      } else if (value->isValue() && value->value->type()->kind() == ir::TypeKind::Tuple) {
        ir::Node* unpack = emitter_.appendNode("prim::TupleUnpack");
        unpack->addInput(value->value);
        for (const auto& type : value->value->type()->elements()) {
          items.push_back(SugaredValue::ofValue(unpack->addOutput(type)));
        }
      } else if (value->isValue() && value->value->type()->kind() == ir::TypeKind::List) {
        const ir::Node* producer = value->value->producer();
        if (auto constant = GraphEmitter::constantValue(value->value)) {
          for (const IValue& item : constant->items()) items.push_back(fromIValue(item));
        } else if (auto dims = trailingSizes(producer, targets.size())) {
          // `ih, iw = x.size()[-2:]` of a tensor of unknown rank: x.size(-2), x.size(-1).
          for (int64_t dim : dims->second) {
            items.push_back(
                emitOperator("aten::size",
                             CallArguments{{SugaredValue::ofValue(dims->first),
                                            SugaredValue::ofValue(emitter_.constant(IValue(dim)))},
                                           {}},
                             nullptr));
          }
        } else if (producer &&
                   (producer->kind() == "aten::size" || producer->kind() == "aten::unbind")) {
          // `B, N, C = x.size()` / `q, k, v = t.unbind(0)` of a tensor of unknown shape: the
          // names say how many items there are (torch raises otherwise), each one taken alone.
          const bool size = producer->kind() == "aten::size";
          for (size_t i = 0; i < targets.size(); ++i) {
            SValue index = SugaredValue::ofValue(emitter_.constant(IValue(int64_t(i))));
            SValue tensor = SugaredValue::ofValue(producer->input(0));
            items.push_back(
                size ? emitOperator("aten::size", CallArguments{{tensor, index}, {}}, nullptr)
                     : emitOperator(
                           "aten::select",
                           CallArguments{{tensor, SugaredValue::ofValue(producer->input(1)), index},
                                         {}},
                           nullptr));
          }
        } else {
          ir::Node* unpack = emitter_.appendNode("prim::ListUnpack");
          unpack->addInput(value->value);
          for (size_t i = 0; i < targets.size(); ++i) {
            items.push_back(
                SugaredValue::ofValue(unpack->addOutput(value->value->type()->element())));
          }
        }
      } else {
        fail(target, "cannot unpack " + value->describe());
      }
      if (items.size() != targets.size()) {
        fail(target, "cannot unpack " + std::to_string(items.size()) + " values into " +
                         std::to_string(targets.size()) + " names");
      }
      for (size_t i = 0; i < targets.size(); ++i) emitAssignTarget(*targets[i], items[i], env);
      return;
    }
    case ExprKind::Attribute: {
      const auto& attr = static_cast<const AttributeExpr&>(target);
      SValue object = emitExpr(*attr.value, env);
      if (object->kind == SugaredValue::Kind::Object) {
        if (dynamicDepth_ > object->createdAtDepth) {
          fail(target, "setting attribute '" + attr.attr + "' of a " + demangle(object->name) +
                           " object inside data-dependent control flow is not supported yet");
        }
        for (auto& [key, current] : object->entries) {
          if (key.toString() == attr.attr) {
            current = value;
            return;
          }
        }
        object->entries.emplace_back(IValue(attr.attr), value);
        return;
      }
      const ir::SourceLocation where = locateLine(target);
      throw Error::at(where.describe(),
                      "forward() assigns module attribute '" + attr.attr +
                          "' (prim::SetAttr): module state must not change while the model runs; "
                          "stateful models are not supported yet");
    }
    case ExprKind::Subscript: {
      const auto& sub = static_cast<const SubscriptExpr&>(target);
      SValue container = emitExpr(*sub.value, env);
      SValue key = emitExpr(*sub.index, env);
      emitOperator("aten::_set_item", CallArguments{{container, key, value}, {}}, &env);
      return;
    }
    default:
      fail(target, "unsupported assignment target");
  }
}

void ModuleCompiler::emitStatement(const Stmt& statement, Environment& env) {
  emitter_.setLocation(locate(statement));
  switch (statement.kind) {
    case StmtKind::Assign: {
      const auto& assign = static_cast<const AssignStmt&>(statement);
      SValue value = emitExpr(*assign.value, env);
      for (const auto& target : assign.targets) emitAssignTarget(*target, value, env);
      return;
    }
    case StmtKind::AnnAssign: {
      const auto& assign = static_cast<const AnnAssignStmt&>(statement);
      if (!assign.value) return;
      SValue value = emitExpr(*assign.value, env);
      if (value->kind == SugaredValue::Kind::List && !value->elementType) {
        ir::TypePtr type = parseType(*assign.annotation);
        if (type->kind() == ir::TypeKind::List) value->elementType = type->element();
      }
      emitAssignTarget(*assign.target, value, env);
      return;
    }
    case StmtKind::AugAssign: {
      const auto& assign = static_cast<const AugAssignStmt&>(statement);
      static const std::map<std::string, std::string> ops = {{"+", "aten::add"},
                                                             {"-", "aten::sub"},
                                                             {"*", "aten::mul"},
                                                             {"/", "aten::div"},
                                                             {"//", "aten::floordiv"}};
      auto it = ops.find(assign.op);
      if (it == ops.end())
        fail(statement, "augmented assignment '" + assign.op + "=' is not supported");
      SValue result = emitOperator(
          it->second,
          CallArguments{{emitExpr(*assign.target, env), emitExpr(*assign.value, env)}, {}}, &env);
      emitAssignTarget(*assign.target, result, env);
      return;
    }
    case StmtKind::Expr:
      emitExpr(*static_cast<const ExprStmt&>(statement).value, env);
      return;
    case StmtKind::If:
      emitIf(static_cast<const IfStmt&>(statement), env);
      return;
    case StmtKind::For:
      emitFor(static_cast<const ForStmt&>(statement), env);
      return;
    case StmtKind::While:
      emitWhile(static_cast<const WhileStmt&>(statement), env);
      return;
    case StmtKind::Return: {
      const auto& ret = static_cast<const ReturnStmt&>(statement);
      returnValue_ = ret.value ? emitExpr(*ret.value, env)
                               : SugaredValue::ofValue(emitter_.constant(IValue()));
      returned_ = true;
      return;
    }
    case StmtKind::Pass:
      return;
    case StmtKind::With: {
      const auto& with = static_cast<const WithStmt&>(statement);
      std::vector<SValue> managers;
      for (const auto& item : with.items) {
        SValue manager = emitExpr(*item, env);
        if (manager->kind == SugaredValue::Kind::Object) {
          inlineMethod(manager, "__enter__", CallArguments{});
          managers.push_back(manager);
        }
      }
      emitStatements(with.body, env);
      for (auto it = managers.rbegin(); it != managers.rend(); ++it) {
        SValue none = SugaredValue::ofValue(emitter_.constant(IValue()));
        inlineMethod(*it, "__exit__", CallArguments{{none, none, none}, {}});
      }
      return;
    }
    case StmtKind::Raise:
      throw BlockRaises{"raise statement", locate(statement)};
    case StmtKind::Assert: {
      const auto& assertion = static_cast<const AssertStmt&>(statement);
      auto test = constantOf(emitExpr(*assertion.test, env));
      if (test && test->isBool()) {
        if (!test->toBool()) throw BlockRaises{"AssertionError", locate(statement)};
        return;
      }
      warn("dropped a runtime assert at " + locate(statement).describe() +
           " (Core ML has no exceptions)");
      return;
    }
    case StmtKind::Break:
    case StmtKind::Continue:
      fail(statement, "break/continue are not expected in serialized TorchScript");
    default:
      fail(statement, "unsupported statement");
  }
}

}  // namespace ts2coreml::torchscript
