// Calls: archive functions and module methods are compiled inline; compiler builtins
// (annotate, isinstance, getattr, ...) are resolved here; everything else is an operator.
#include <utility>

#include "core/error.h"
#include "passes/static_eval.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

constexpr int kMaxInlineDepth = 200;

// "torch.relu" -> "aten::relu", "ops.prim.NumToTensor" -> "prim::NumToTensor".
std::optional<std::string> operatorName(const std::string& dotted) {
  if (dotted.rfind("torch.", 0) == 0) {
    std::string rest = dotted.substr(6);
    if (rest.find('.') != std::string::npos) return std::nullopt;
    return "aten::" + rest;
  }
  if (dotted.rfind("ops.", 0) == 0) {
    std::string rest = dotted.substr(4);
    size_t dot = rest.find('.');
    if (dot == std::string::npos) return std::nullopt;
    return rest.substr(0, dot) + "::" + rest.substr(dot + 1);
  }
  return std::nullopt;
}

bool isTypeMatch(const ir::TypePtr& valueType, const ir::TypePtr& wanted) {
  using K = ir::TypeKind;
  if (wanted->kind() == K::Any) return true;
  if (wanted->kind() == K::Optional) {
    return valueType->kind() == K::None || isTypeMatch(valueType, wanted->element());
  }
  if (wanted->kind() == K::Tuple && wanted->elements().empty())
    return valueType->kind() == K::Tuple;
  if (wanted->kind() == K::Class) {
    return valueType->kind() == K::Class && valueType->className() == wanted->className();
  }
  return valueType->kind() == wanted->kind();
}

}  // namespace

SValue ModuleCompiler::inlineMethod(const SValue& self, const std::string& methodName,
                                    const CallArguments& args) {
  const ClassInfo* info = classes_.findClass(self->name);
  if (!info) throw Error("class " + self->name + " is not in the archive's code/");
  auto it = info->methods.find(methodName);
  if (it == info->methods.end()) {
    emitter_.fail(demangle(info->qualifiedName) + " has no method '" + methodName + "'");
  }
  return inlineFunction(it->second, self, args);
}

SValue ModuleCompiler::inlineFunction(const FunctionInfo& function, const SValue& self,
                                      const CallArguments& args) {
  if (++inlineDepth_ > kMaxInlineDepth) {
    emitter_.fail("calls nest deeper than " + std::to_string(kMaxInlineDepth) +
                  " (recursion is not supported)");
  }
  const FunctionDef& def = *function.def;
  Environment env(nullptr, std::exchange(callerEnv_, nullptr));
  fileStack_.push_back(function.file);
  ir::SourceLocation callSite = emitter_.location();
  size_t param = 0;
  if (self) {
    if (def.params.empty())
      throw Error("method " + function.qualifiedName + " has no self parameter");
    env.assign(def.params[0].name, self);
    param = 1;
  }
  const size_t first = param;
  for (; param < def.params.size(); ++param) {
    const Param& p = def.params[param];
    size_t index = param - first;
    SValue value;
    if (index < args.positional.size()) {
      value = args.positional[index];
    } else {
      for (const auto& [name, keywordValue] : args.keywords) {
        if (name == p.name) value = keywordValue;
      }
    }
    if (!value && p.defaultValue) {
      Environment empty;
      value = emitExpr(*p.defaultValue, empty);
    }
    if (!value) {
      fileStack_.pop_back();
      throw Error::at(callSite.describe(), "missing argument '" + p.name + "' in call to " +
                                               demangle(function.qualifiedName));
    }
    env.assign(p.name, value);
  }
  if (args.positional.size() > def.params.size() - first) {
    fileStack_.pop_back();
    throw Error::at(callSite.describe(),
                    "too many arguments in call to " + demangle(function.qualifiedName));
  }
  SValue savedReturn = returnValue_;
  bool savedReturned = returned_;
  returnValue_ = nullptr;
  returned_ = false;
  try {
    emitStatements(def.body, env);
  } catch (...) {
    fileStack_.pop_back();
    --inlineDepth_;
    returnValue_ = savedReturn;
    returned_ = savedReturned;
    throw;
  }
  SValue result = returnValue_ ? returnValue_ : SugaredValue::ofValue(emitter_.constant(IValue()));
  returnValue_ = savedReturn;
  returned_ = savedReturned;
  fileStack_.pop_back();
  --inlineDepth_;
  emitter_.setLocation(callSite);
  return result;
}

SValue ModuleCompiler::emitCall(const CallExpr& call, Environment& env) {
  if (call.func->kind == ExprKind::Name) {
    const std::string& name = static_cast<const NameExpr&>(*call.func).id;
    if (!env.lookup(name)) {
      SValue callee = resolveName(name, env, call);
      if (callee->kind == SugaredValue::Kind::Builtin) return callBuiltin(name, call, env);
    }
  }
  SValue callee = emitExpr(*call.func, env);
  CallArguments args;
  for (const auto& arg : call.args) args.positional.push_back(emitExpr(*arg, env));
  for (const auto& keyword : call.keywords)
    args.keywords.emplace_back(keyword.name, emitExpr(*keyword.value, env));
  emitter_.setLocation(locate(call));
  return callValue(callee, args, call, &env);
}

SValue ModuleCompiler::callValue(const SValue& callee, const CallArguments& args, const Expr& where,
                                 Environment* env) {
  using Kind = SugaredValue::Kind;
  callerEnv_ = env;  // for an inlined function below; cleared by it or here
  struct ClearCaller {
    Environment*& slot;
    ~ClearCaller() { slot = nullptr; }
  } clearCaller{callerEnv_};
  switch (callee->kind) {
    case Kind::Namespace: {
      auto op = operatorName(callee->name);
      if (!op) fail(where, "'" + callee->name + "' is not callable");
      if (*op == "prim::RaiseException") {
        std::string message = "an exception";
        if (!args.positional.empty()) {
          if (auto text = constantOf(args.positional[0]); text && text->isString())
            message = text->toString();
        }
        if (args.positional.size() > 1) {
          if (auto cls = constantOf(args.positional[1]); cls && cls->isString()) {
            message = cls->toString() + "(\"" + message + "\")";
          }
        }
        throw BlockRaises{message, locate(where)};
      }
      return emitOperator(*op, args, env);
    }
    case Kind::Function: {
      const FunctionInfo* function = classes_.findFunction(callee->name);
      if (!function) fail(where, "function " + callee->name + " is not in the archive");
      return inlineFunction(*function, nullptr, args);
    }
    case Kind::BoundMethod:
      if (callee->self_->kind == Kind::ClassRef && callee->name == "__new__") {
        auto object = SugaredValue::make(Kind::Object, callee->self_->name);
        object->createdAtDepth = dynamicDepth_;
        return object;
      }
      return inlineMethod(callee->self_, callee->name, args);
    case Kind::Module:
      return inlineMethod(callee, "forward", args);
    case Kind::ClassRef: {
      const ClassInfo* info = classes_.findClass(callee->name);
      if (info && info->kind == "NamedTuple") return SugaredValue::ofTuple(args.positional);
      fail(where, "constructing " + demangle(callee->name) + " is not supported yet");
    }
    default:
      fail(where, callee->describe() + " is not callable");
  }
}

SValue ModuleCompiler::callBuiltin(const std::string& name, const CallExpr& call,
                                   Environment& env) {
  auto arg = [&](size_t i) -> const Expr& {
    if (i >= call.args.size()) fail(call, name + "() takes more arguments");
    return *call.args[i];
  };
  if (name == "annotate" || name == "unchecked_cast") {
    ir::TypePtr type = parseType(arg(0));
    SValue value = emitExpr(arg(1), env);
    if (value->kind == SugaredValue::Kind::List && type->kind() == ir::TypeKind::List) {
      value->elementType = type->element();
    }
    // unchecked_cast(Tensor, maybe) follows an `is not None` check: the tensor is there.
    if (name == "unchecked_cast" && value->kind == SugaredValue::Kind::MaybeNone)
      return SugaredValue::ofValue(value->value);
    return value;
  }
  if (name == "uninitialized") {
    auto value = SugaredValue::make(SugaredValue::Kind::Uninitialized);
    if (!call.args.empty()) value->elementType = parseType(arg(0));
    return value;
  }
  if (name == "isinstance") {
    SValue value = emitExpr(arg(0), env);
    ir::TypePtr valueType;
    if (value->isValue())
      valueType = value->value->type();
    else if (value->kind == SugaredValue::Kind::List)
      valueType = ir::Type::list(ir::Type::anyType());
    else if (value->kind == SugaredValue::Kind::Tuple)
      valueType = ir::Type::tuple({});
    else if (value->kind == SugaredValue::Kind::Module)
      valueType = ir::Type::classType(value->object->className);
    else
      fail(call, "isinstance() of " + value->describe());
    std::vector<const Expr*> candidates;
    if (arg(1).kind == ExprKind::Tuple) {
      for (const auto& item : static_cast<const TupleExpr&>(arg(1)).elements)
        candidates.push_back(item.get());
    } else {
      candidates.push_back(&arg(1));
    }
    bool result = false;
    for (const Expr* candidate : candidates) {
      std::string text =
          candidate->kind == ExprKind::Name ? static_cast<const NameExpr*>(candidate)->id : "";
      ir::TypePtr wanted = text == "list"    ? ir::Type::list(ir::Type::anyType())
                           : text == "tuple" ? ir::Type::tuple({})
                           : text == "dict"
                               ? ir::Type::dict(ir::Type::anyType(), ir::Type::anyType())
                               : parseType(*candidate);
      result |= isTypeMatch(valueType, wanted);
    }
    return SugaredValue::ofValue(emitter_.constant(IValue(result)));
  }
  if (name == "getattr" || name == "hasattr") {
    SValue object = emitExpr(arg(0), env);
    auto attribute = constantOf(emitExpr(arg(1), env));
    if (!attribute || !attribute->isString())
      fail(call, name + "() needs a constant attribute name");
    if (name == "getattr") return getAttribute(object, attribute->toString(), call);
    bool has = object->kind == SugaredValue::Kind::Module &&
               object->object->attribute(attribute->toString());
    return SugaredValue::ofValue(emitter_.constant(IValue(has)));
  }
  if (name == "print") {
    warn("dropped print() at " + locate(call).describe() + " (Core ML models cannot print)");
    return SugaredValue::ofValue(emitter_.constant(IValue()));
  }
  CallArguments args;
  for (const auto& item : call.args) args.positional.push_back(emitExpr(*item, env));
  for (const auto& keyword : call.keywords)
    args.keywords.emplace_back(keyword.name, emitExpr(*keyword.value, env));
  static const std::map<std::string, std::string> operators = {
      {"len", "aten::len"},    {"int", "aten::Int"}, {"float", "aten::Float"},
      {"bool", "aten::Bool"},  {"str", "aten::str"}, {"min", "prim::min"},
      {"max", "prim::max"},    {"abs", "prim::abs"}, {"list", "aten::list"},
      {"round", "aten::round"}};
  if (auto it = operators.find(name); it != operators.end())
    return emitOperator(it->second, args, &env);
  fail(call, "builtin " + name + "() is not supported here");
}

}  // namespace ts2coreml::torchscript
