// Compile-time values of the compiler. Most names in TorchScript code stand for IR values, but
// some are things the converter resolves while compiling: modules (with their pickled state),
// functions of the archive, builtin namespaces, and containers whose length is known statically
// (lists built with append, tuples, dicts with constant keys).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "ir/graph.h"

namespace ts2coreml::torchscript {

struct SugaredValue;
using SValue = std::shared_ptr<SugaredValue>;

struct SugaredValue {
  enum class Kind {
    Value,          // an IR value
    Module,         // a module / script object from data.pkl: `object`
    Function,       // an archive function or class method by qualified name: `name`
    BoundMethod,    // `self_` + method `name` (e.g. `(conv).forward`)
    Namespace,      // `torch`, `ops`, `ops.prim`, `__torch__.a.b`, `math`: dotted `name`
    ClassRef,       // a script class / NamedTuple by qualified name (for __new__, construction)
    Builtin,        // a compiler builtin: range, len, annotate, getattr, isinstance, ...
    List,           // a list whose elements are known one by one (mutable: shared by aliases)
    Tuple,          // a tuple of compile-time values
    Dict,           // a dict with constant keys
    Uninitialized,  // prim::Uninitialized: a value on a path that raises
    StackedList,    // a list of tensors grown in a data-dependent loop: `value` holds the items
                    // stacked on a new first axis behind one placeholder row (so the tensor is
                    // never empty); `elementType` is the items' type
    MaybeNone,      // a Tensor or None, decided by the data: `value` holds the tensor (a
                    // placeholder where it is None), `present` is true where it is not None
    Object,         // an instance of a script class made in code (`Cls.__new__(Cls)`): class
                    // `name`, attributes in `entries` (mutable: shared by aliases)
  };
  Kind kind = Kind::Value;
  ir::Value* value = nullptr;
  ir::Value* present = nullptr;  // MaybeNone
  std::shared_ptr<ObjectValue> object;
  std::string name;
  SValue self_;
  std::vector<SValue> items;                       // List / Tuple
  std::vector<std::pair<IValue, SValue>> entries;  // Dict
  ir::TypePtr elementType;                         // List / Dict value type when annotated
  // Depth of data-dependent control flow where a List/Dict was made: mutating it deeper would
  // make its contents depend on the data.
  int createdAtDepth = 0;
  // A List/Dict read from a module attribute: the attribute, for refusing writes that would
  // change module state (empty otherwise).
  std::string attribute;

  static SValue ofValue(ir::Value* v) {
    auto s = std::make_shared<SugaredValue>();
    s->value = v;
    return s;
  }
  static SValue make(Kind kind, std::string name = {}) {
    auto s = std::make_shared<SugaredValue>();
    s->kind = kind;
    s->name = std::move(name);
    return s;
  }
  static SValue ofModule(std::shared_ptr<ObjectValue> object) {
    auto s = make(Kind::Module, object->className);
    s->object = std::move(object);
    return s;
  }
  static SValue ofTuple(std::vector<SValue> items) {
    auto s = make(Kind::Tuple);
    s->items = std::move(items);
    return s;
  }
  static SValue ofList(std::vector<SValue> items, ir::TypePtr elementType = nullptr) {
    auto s = make(Kind::List);
    s->items = std::move(items);
    s->elementType = std::move(elementType);
    return s;
  }
  bool isValue() const { return kind == Kind::Value; }
  std::string describe() const;
};

}  // namespace ts2coreml::torchscript
