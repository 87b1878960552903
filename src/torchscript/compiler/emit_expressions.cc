// Expressions: names, constants, attributes, subscripts, literals of containers.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

const std::set<std::string>& builtinNames() {
  static const std::set<std::string> names = {"range",
                                              "len",
                                              "int",
                                              "float",
                                              "bool",
                                              "str",
                                              "print",
                                              "getattr",
                                              "isinstance",
                                              "annotate",
                                              "unchecked_cast",
                                              "uninitialized",
                                              "fork",
                                              "wait",
                                              "sorted",
                                              "min",
                                              "max",
                                              "abs",
                                              "list",
                                              "hasattr",
                                              "round",
                                              "divmod",
                                              "enumerate",
                                              "zip",
                                              "all",
                                              "any",
                                              "ord",
                                              "chr"};
  return names;
}

}  // namespace

SValue ModuleCompiler::resolveName(const std::string& name, const Environment& env,
                                   const Expr& where) {
  if (SValue value = env.lookup(name)) return value;
  if (name == "torch" || name == "ops" || name == "__torch__" || name == "CONSTANTS" ||
      name == "math") {
    return SugaredValue::make(SugaredValue::Kind::Namespace, name);
  }
  if (name == "inf")
    return SugaredValue::ofValue(
        emitter_.constant(IValue(std::numeric_limits<double>::infinity())));
  if (name == "nan") return SugaredValue::ofValue(emitter_.constant(IValue(std::nan(""))));
  if (name == "True" || name == "False")
    return SugaredValue::ofValue(emitter_.constant(IValue(name == "True")));
  if (name == "None") return SugaredValue::ofValue(emitter_.constant(IValue()));
  if (builtinNames().count(name)) return SugaredValue::make(SugaredValue::Kind::Builtin, name);
  fail(where, "name '" + name + "' is not defined");
}

SValue ModuleCompiler::getAttribute(const SValue& base, const std::string& attribute,
                                    const Expr& where) {
  using Kind = SugaredValue::Kind;
  switch (base->kind) {
    case Kind::Namespace: {
      if (base->name == "CONSTANTS") {
        // c<index>; a name that is not (CONSTANTS.cx, 30 digits) is no entry (found by
        // fuzz_compiler: std::stoul threw past the error handling).
        const bool digits =
            attribute.size() >= 2 && attribute.size() <= 10 && attribute[0] == 'c' &&
            std::all_of(attribute.begin() + 1, attribute.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        if (!digits) fail(where, "unknown constant " + quoteInput(attribute));
        size_t index = std::stoul(attribute.substr(1));
        const auto& items = constantsTable_.items();
        if (index >= items.size()) {
          fail(where, "CONSTANTS." + attribute + " is not in constants.pkl (" +
                          std::to_string(items.size()) + " entries)");
        }
        return fromIValue(items[index]);
      }
      if (base->name == "math") {
        if (attribute == "pi") return SugaredValue::ofValue(emitter_.constant(IValue(M_PI)));
        if (attribute == "e") return SugaredValue::ofValue(emitter_.constant(IValue(M_E)));
        if (attribute == "inf") {
          return SugaredValue::ofValue(
              emitter_.constant(IValue(std::numeric_limits<double>::infinity())));
        }
      }
      std::string qualified = base->name + "." + attribute;
      if (base->name.rfind("__torch__", 0) == 0) {
        if (classes_.findClass(qualified)) return SugaredValue::make(Kind::ClassRef, qualified);
        if (classes_.findFunction(qualified)) return SugaredValue::make(Kind::Function, qualified);
      }
      return SugaredValue::make(Kind::Namespace, qualified);
    }
    case Kind::Module: {
      const ObjectValue* object = base->object.get();
      auto cacheKey = std::make_pair(object, attribute);
      if (auto it = attributeCache_.find(cacheKey); it != attributeCache_.end()) return it->second;
      const ClassInfo* info = classes_.findClass(object->className);
      if (info) {
        if (auto method = info->methods.find(attribute); method != info->methods.end()) {
          auto bound = SugaredValue::make(Kind::BoundMethod, attribute);
          bound->self_ = base;
          return bound;
        }
        if (auto constant = info->constants.find(attribute); constant != info->constants.end()) {
          Environment empty;
          SValue value = emitExpr(*constant->second, empty);
          attributeCache_[cacheKey] = value;
          return value;
        }
      }
      if (const IValue* value = object->attribute(attribute)) {
        SValue result = fromIValue(*value);
        const std::string described =
            "'" + attribute + "' (of " + demangle(object->className) + ")";
        noteAttributeTensors(result, described);
        if (result->kind == Kind::List || result->kind == Kind::Dict) result->attribute = described;
        attributeCache_[cacheKey] = result;
        return result;
      }
      fail(where,
           "module " + demangle(object->className) + " has no attribute '" + attribute + "'");
    }
    case Kind::ClassRef:
      if (const ClassInfo* info = classes_.findClass(base->name); info && info->kind == "Enum") {
        auto member = info->constants.find(attribute);
        if (member == info->constants.end())
          fail(where, "enum " + demangle(base->name) + " has no member '" + attribute + "'");
        Environment empty;
        auto value = constantOf(emitExpr(*member->second, empty));
        if (!value) fail(where, "enum member '" + attribute + "' is not a constant");
        auto object = std::make_shared<ObjectValue>();
        object->className = base->name;
        object->enumMember = true;
        object->attributes.emplace_back("value", *value);
        object->attributes.emplace_back("name", IValue(attribute));
        return SugaredValue::ofModule(object);
      }
      if (attribute == "__new__") {
        auto bound = SugaredValue::make(Kind::BoundMethod, attribute);
        bound->self_ = base;
        return bound;
      }
      fail(where,
           "attribute '" + attribute + "' of class " + demangle(base->name) + " is not supported");
    case Kind::Object: {
      for (const auto& [key, value] : base->entries) {
        if (key.toString() == attribute) return value;
      }
      const ClassInfo* info = classes_.findClass(base->name);
      if (info && info->methods.count(attribute)) {
        auto bound = SugaredValue::make(Kind::BoundMethod, attribute);
        bound->self_ = base;
        return bound;
      }
      if (info) {
        if (auto constant = info->constants.find(attribute); constant != info->constants.end()) {
          Environment empty;
          return emitExpr(*constant->second, empty);
        }
      }
      fail(where, "object of " + demangle(base->name) + " has no attribute '" + attribute +
                      "' (read before it was set)");
    }
    case Kind::Value:
      fail(where, "attribute '" + attribute + "' of a " + base->value->type()->str() +
                      " value is not supported");
    default:
      fail(where, "attribute '" + attribute + "' of " + base->describe() + " is not supported");
  }
}

SValue ModuleCompiler::emitExpr(const Expr& expr, Environment& env) {
  emitter_.setLocation(locate(expr));
  switch (expr.kind) {
    case ExprKind::Name:
      return resolveName(static_cast<const NameExpr&>(expr).id, env, expr);
    case ExprKind::Constant:
      return SugaredValue::ofValue(emitter_.constant(static_cast<const ConstantExpr&>(expr).value));
    case ExprKind::Attribute: {
      const auto& attr = static_cast<const AttributeExpr&>(expr);
      return getAttribute(emitExpr(*attr.value, env), attr.attr, expr);
    }
    case ExprKind::Call:
      return emitCall(static_cast<const CallExpr&>(expr), env);
    case ExprKind::Tuple: {
      std::vector<SValue> items;
      for (const auto& item : static_cast<const TupleExpr&>(expr).elements)
        items.push_back(emitExpr(*item, env));
      return SugaredValue::ofTuple(std::move(items));
    }
    case ExprKind::List: {
      std::vector<SValue> items;
      for (const auto& item : static_cast<const ListExpr&>(expr).elements)
        items.push_back(emitExpr(*item, env));
      SValue list = SugaredValue::ofList(std::move(items));
      list->createdAtDepth = dynamicDepth_;
      return list;
    }
    case ExprKind::Dict: {
      const auto& dict = static_cast<const DictExpr&>(expr);
      auto result = SugaredValue::make(SugaredValue::Kind::Dict);
      result->createdAtDepth = dynamicDepth_;
      for (size_t i = 0; i < dict.keys.size(); ++i) {
        auto key = constantOf(emitExpr(*dict.keys[i], env));
        if (!key) fail(*dict.keys[i], "dict keys must be constants");
        result->entries.emplace_back(*key, emitExpr(*dict.values[i], env));
      }
      return result;
    }
    case ExprKind::Subscript: {
      const auto& sub = static_cast<const SubscriptExpr&>(expr);
      SValue base = emitExpr(*sub.value, env);
      if (sub.index->kind == ExprKind::Slice)
        fail(expr, "slicing of " + base->describe() + " is not supported yet");
      SValue index = emitExpr(*sub.index, env);
      CallArguments args{{base, index}, {}};
      return emitOperator("aten::__getitem__", args, &env);
    }
    case ExprKind::UnaryOp: {
      const auto& unary = static_cast<const UnaryExpr&>(expr);
      SValue operand = emitExpr(*unary.operand, env);
      CallArguments args{{operand}, {}};
      if (unary.op == "-") return emitOperator("aten::neg", args, &env);
      if (unary.op == "not") return emitOperator("aten::__not__", args, &env);
      if (unary.op == "+") return operand;
      fail(expr, "unary operator '" + unary.op + "' is not supported");
    }
    case ExprKind::BinOp: {
      const auto& binary = static_cast<const BinaryExpr&>(expr);
      static const std::map<std::string, std::string> ops = {
          {"+", "aten::add"},       {"-", "aten::sub"},       {"*", "aten::mul"},
          {"/", "aten::div"},       {"//", "aten::floordiv"}, {"%", "aten::remainder"},
          {"**", "aten::pow"},      {"==", "aten::eq"},       {"!=", "aten::ne"},
          {"<", "aten::lt"},        {"<=", "aten::le"},       {">", "aten::gt"},
          {">=", "aten::ge"},       {"is", "aten::__is__"},   {"is not", "aten::__isnot__"},
          {"and", "aten::__and__"}, {"or", "aten::__or__"},   {"in", "aten::__contains__"}};
      auto it = ops.find(binary.op);
      if (it == ops.end()) fail(expr, "operator '" + binary.op + "' is not supported");
      SValue left = emitExpr(*binary.left, env);
      SValue right = emitExpr(*binary.right, env);
      if (binary.op == "in")
        return emitOperator(it->second, CallArguments{{right, left}, {}}, &env);
      return emitOperator(it->second, CallArguments{{left, right}, {}}, &env);
    }
    case ExprKind::IfExp: {
      const auto& ifExp = static_cast<const IfExpr&>(expr);
      auto test = constantOf(emitExpr(*ifExp.test, env));
      if (!test || !test->isBool())
        fail(expr, "a conditional expression on a runtime value is not supported yet");
      return emitExpr(test->toBool() ? *ifExp.body : *ifExp.orelse, env);
    }
    default:
      fail(expr, "unsupported expression");
  }
}

}  // namespace ts2coreml::torchscript
