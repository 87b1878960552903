// Compile-time values <-> IR values.
#include <algorithm>

#include "core/error.h"
#include "passes/static_eval.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

std::optional<IValue> ModuleCompiler::constantOf(const SValue& value) {
  switch (value->kind) {
    case SugaredValue::Kind::Value:
      return GraphEmitter::constantValue(value->value);
    case SugaredValue::Kind::Module:  // an Enum member is a plain constant
      if (value->object->enumMember) return IValue(value->object);
      return std::nullopt;
    case SugaredValue::Kind::List:
    case SugaredValue::Kind::Tuple: {
      std::vector<IValue> items;
      for (const SValue& item : value->items) {
        auto constant = constantOf(item);
        if (!constant) return std::nullopt;
        items.push_back(*constant);
      }
      return value->kind == SugaredValue::Kind::List ? IValue::list(items) : IValue::tuple(items);
    }
    default:
      return std::nullopt;
  }
}

ir::Value* ModuleCompiler::materialize(const SValue& value) {
  switch (value->kind) {
    case SugaredValue::Kind::Value:
      return value->value;
    case SugaredValue::Kind::Module:
      if (value->object->enumMember) return emitter_.constant(IValue(value->object));
      emitter_.fail(value->describe() + " cannot be used as a value here");
    case SugaredValue::Kind::List:
    case SugaredValue::Kind::Tuple: {
      if (auto constant = constantOf(value)) return emitter_.constant(*constant);
      std::vector<ir::Value*> items;
      std::vector<ir::TypePtr> types;
      for (const SValue& item : value->items) {
        items.push_back(materialize(item));
        types.push_back(items.back()->type());
      }
      bool isList = value->kind == SugaredValue::Kind::List;
      ir::TypePtr type;
      if (isList) {
        ir::TypePtr element = value->elementType ? value->elementType
                                                 : (types.empty() ? ir::Type::anyType() : types[0]);
        type = ir::Type::list(element);
      } else {
        type = ir::Type::tuple(types);
      }
      ir::Node* node = emitter_.appendNode(isList ? "prim::ListConstruct" : "prim::TupleConstruct");
      for (ir::Value* item : items) node->addInput(item);
      return node->addOutput(type);
    }
    case SugaredValue::Kind::Uninitialized: {
      ir::Node* node = emitter_.appendNode("prim::Uninitialized");
      return node->addOutput(ir::Type::anyType());
    }
    default:
      emitter_.fail(value->describe() + " cannot be used as a value here");
  }
}

ir::Value* ModuleCompiler::placeholderOf(const ir::TypePtr& type, const Stmt& where) {
  switch (type->kind()) {
    case ir::TypeKind::Bool:
      return emitter_.constant(IValue(false));
    case ir::TypeKind::Int:
      return emitter_.constant(IValue(int64_t{0}));
    case ir::TypeKind::Float:
      return emitter_.constant(IValue(0.0));
    case ir::TypeKind::None:
    case ir::TypeKind::Optional:
      return emitter_.constant(IValue());
    case ir::TypeKind::Tensor:
      if (type->dtype() && type->shape() &&
          std::none_of(type->shape()->begin(), type->shape()->end(),
                       [](int64_t d) { return d < 0; })) {
        return emitter_.constant(IValue(Tensor(*type->dtype(), *type->shape())));  // zeros
      }
      break;
    case ir::TypeKind::Tuple: {
      // Item by item (e.g. the (output, weights) pair of an attention fast path not taken).
      std::vector<ir::Value*> items;
      for (const ir::TypePtr& element : type->elements())
        items.push_back(placeholderOf(element, where));
      ir::Node* node = emitter_.appendNode("prim::TupleConstruct");
      for (ir::Value* item : items) node->addInput(item);
      return node->addOutput(type);
    }
    default:
      break;
  }
  fail(where, "a value that is unset on one path has type " + type->str() +
                  ", which has no placeholder (declare the shapes of all inputs)");
}

SValue ModuleCompiler::fromIValue(const IValue& value) {
  switch (value.kind()) {
    case IValue::Kind::Object:
      return SugaredValue::ofModule(value.toObject());
    case IValue::Kind::List:
    case IValue::Kind::Tuple: {
      std::vector<SValue> items;
      for (const IValue& item : value.items()) items.push_back(fromIValue(item));
      if (value.isList()) {
        return SugaredValue::ofList(std::move(items), value.toList()->items.empty()
                                                          ? nullptr
                                                          : passes::typeOfValue(value.items()[0]));
      }
      return SugaredValue::ofTuple(std::move(items));
    }
    case IValue::Kind::Dict: {
      auto dict = SugaredValue::make(SugaredValue::Kind::Dict);
      for (const auto& [key, item] : value.toDict()->items)
        dict->entries.emplace_back(key, fromIValue(item));
      return dict;
    }
    default:
      return SugaredValue::ofValue(emitter_.constant(value));
  }
}

}  // namespace ts2coreml::torchscript
