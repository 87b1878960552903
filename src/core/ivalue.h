// Dynamically typed values: what the unpickler produces from data.pkl / constants.pkl and what
// the IR stores in constant attributes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml {

class IValue;

struct ListValue {
  std::vector<IValue> items;
  std::string typeTag;  // e.g. "List[str]" from torch.jit._pickle.restore_type_tag; may be empty
};
struct TupleValue {
  std::vector<IValue> items;
};
struct DictValue {
  std::vector<std::pair<IValue, IValue>> items;  // insertion order, as Python keeps it
  std::string typeTag;
};
// A TorchScript object (module or script class) from `GLOBAL cls, NEWOBJ, state, BUILD`.
struct ObjectValue {
  std::string
      className;  // qualified, e.g. "__torch__.torch.nn.modules.conv.___torch_mangle_9.Conv2d"
  // Set when the BUILD state was a dict (the usual case for modules).
  std::vector<std::pair<std::string, IValue>> attributes;
  // Set instead when the class defines __getstate__/__setstate__ (state is whatever it returned).
  std::shared_ptr<IValue> state;
  // An Enum member (`Mode.FAST`): attribute "value" holds its value; members compare by value.
  bool enumMember = false;
  const IValue* attribute(const std::string& name) const;
};
struct DeviceValue {
  std::string name;  // "cpu", "cuda:0"
};
// The value of a `torch XStorage` / `torch per_tensor_affine` global when used as a plain value.
struct GlobalRef {
  std::string module;
  std::string name;
};

class IValue {
 public:
  enum class Kind {
    None,
    Bool,
    Int,
    Double,
    String,
    Tensor,
    List,
    Tuple,
    Dict,
    Object,
    Device,
    Global
  };

  IValue() = default;
  IValue(bool v) : value_(v) {}
  IValue(int64_t v) : value_(v) {}
  IValue(int v) : value_(static_cast<int64_t>(v)) {}
  IValue(double v) : value_(v) {}
  IValue(std::string v) : value_(std::move(v)) {}
  IValue(const char* v) : value_(std::string(v)) {}
  IValue(Tensor v) : value_(std::move(v)) {}
  IValue(std::shared_ptr<ListValue> v) : value_(std::move(v)) {}
  IValue(std::shared_ptr<TupleValue> v) : value_(std::move(v)) {}
  IValue(std::shared_ptr<DictValue> v) : value_(std::move(v)) {}
  IValue(std::shared_ptr<ObjectValue> v) : value_(std::move(v)) {}
  IValue(DeviceValue v) : value_(std::move(v)) {}
  IValue(GlobalRef v) : value_(std::move(v)) {}

  static IValue list(std::vector<IValue> items, std::string typeTag = {});
  static IValue tuple(std::vector<IValue> items);

  Kind kind() const { return static_cast<Kind>(value_.index()); }
  bool isNone() const { return kind() == Kind::None; }
  bool isBool() const { return kind() == Kind::Bool; }
  bool isInt() const { return kind() == Kind::Int; }
  bool isDouble() const { return kind() == Kind::Double; }
  bool isString() const { return kind() == Kind::String; }
  bool isTensor() const { return kind() == Kind::Tensor; }
  bool isList() const { return kind() == Kind::List; }
  bool isTuple() const { return kind() == Kind::Tuple; }
  bool isDict() const { return kind() == Kind::Dict; }
  bool isObject() const { return kind() == Kind::Object; }
  bool isDevice() const { return kind() == Kind::Device; }
  bool isGlobal() const { return kind() == Kind::Global; }

  bool toBool() const { return as<bool>("a bool"); }
  int64_t toInt() const { return as<int64_t>("an int"); }
  double toDouble() const { return as<double>("a float"); }
  // Int or double (or bool) as a double.
  double toNumber() const;
  const std::string& toString() const { return as<std::string>("a string"); }
  const Tensor& toTensor() const { return as<Tensor>("a tensor"); }
  const std::shared_ptr<ListValue>& toList() const {
    return as<std::shared_ptr<ListValue>>("a list");
  }
  const std::shared_ptr<TupleValue>& toTuple() const {
    return as<std::shared_ptr<TupleValue>>("a tuple");
  }
  const std::shared_ptr<DictValue>& toDict() const {
    return as<std::shared_ptr<DictValue>>("a dict");
  }
  const std::shared_ptr<ObjectValue>& toObject() const {
    return as<std::shared_ptr<ObjectValue>>("an object");
  }
  const DeviceValue& toDevice() const { return as<DeviceValue>("a device"); }
  const GlobalRef& toGlobal() const { return as<GlobalRef>("a global"); }
  // Items of a list or a tuple.
  const std::vector<IValue>& items() const;

  // Python-like repr used in the IR text and in messages; tensors print as "Tensor<float32 3x3>".
  std::string repr() const;
  // Structural equality (tensors compare by identity of buffer/offset/shape).
  bool operator==(const IValue& other) const;

 private:
  // The held value of type T; a value of another kind is an Error naming both (a constant of the
  // wrong kind in a model is a user-facing problem, not a crash).
  template <class T>
  const T& as(const char* expected) const {
    if (const T* held = std::get_if<T>(&value_)) return *held;
    failKind(expected);
  }
  [[noreturn]] void failKind(const char* expected) const;

  std::variant<std::monostate, bool, int64_t, double, std::string, Tensor,
               std::shared_ptr<ListValue>, std::shared_ptr<TupleValue>, std::shared_ptr<DictValue>,
               std::shared_ptr<ObjectValue>, DeviceValue, GlobalRef>
      value_;
};

}  // namespace ts2coreml
