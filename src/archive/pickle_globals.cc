#include "archive/pickle_globals.h"

#include "core/error.h"

namespace ts2coreml::archive {

namespace {

// Classes the TorchScript compiler defines (modules, script classes, enums, TorchBind) live in
// the `__torch__` namespace.
bool isScriptClassModule(const std::string& module) {
  return module == "__torch__" || module.rfind("__torch__.", 0) == 0;
}

bool isStorageName(const std::string& name) {
  return name.size() > 7 && name.compare(name.size() - 7, 7, "Storage") == 0;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw Error(where + ": " + what);
}

const std::vector<IValue>& tupleItems(const IValue& argument, const PickleGlobal& callee,
                                      const std::string& where) {
  if (!argument.isTuple()) fail(where, callee.qualifiedName() + " expects a tuple of arguments");
  return argument.items();
}

std::vector<int64_t> intSequence(const IValue& value, const char* what, const std::string& where) {
  if (!value.isTuple() && !value.isList())
    fail(where, std::string("tensor ") + what + " is not a tuple");
  std::vector<int64_t> result;
  for (const IValue& item : value.items()) {
    if (!item.isInt() || item.toInt() < 0) {
      fail(where, std::string("tensor ") + what + " holds " + item.repr() +
                      ", not a non-negative integer");
    }
    result.push_back(item.toInt());
  }
  return result;
}

// (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).
// torch 1.x writes 6 arguments; 2.x may add a 7th, a dict of tensor metadata (math bits).
IValue rebuildTensor(const std::vector<IValue>& args, const std::string& where) {
  if (args.size() != 6 && args.size() != 7) {
    fail(where, "_rebuild_tensor_v2 takes 6 or 7 arguments, got " + std::to_string(args.size()));
  }
  // The unpickler hands a storage over as a 1-D contiguous tensor covering all of it.
  if (!args[0].isTensor() || args[0].toTensor().rank() != 1 || args[0].toTensor().offset() != 0)
    fail(where, "_rebuild_tensor_v2 on something that is not a storage");
  if (!args[1].isInt() || args[1].toInt() < 0) fail(where, "tensor storage offset is not >= 0");
  const Tensor& storage = args[0].toTensor();
  const int64_t offset = args[1].toInt();
  Shape shape = intSequence(args[2], "size", where);
  Shape strides = intSequence(args[3], "stride", where);
  if (shape.size() != strides.size()) fail(where, "tensor size and stride differ in length");
  // The furthest element must lie inside the storage (checked without overflow).
  bool empty = false;
  int64_t last = offset;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t step;
    if (shape[i] == 0) empty = true;
    if (shape[i] > 0 && (__builtin_mul_overflow(shape[i] - 1, strides[i], &step) ||
                         __builtin_add_overflow(last, step, &last))) {
      fail(where, "tensor of shape " + shapeToString(shape) + " overflows its storage");
    }
  }
  if (!empty && last >= storage.numel()) {
    fail(where, "tensor of shape " + shapeToString(shape) + " (offset " + std::to_string(offset) +
                    ") runs past its storage of " + std::to_string(storage.numel()) + " elements");
  }
  return IValue(Tensor::view(storage.buffer(), storage.dtype(), std::move(shape),
                             std::move(strides), offset));
}

std::string listTypeOf(const std::string& builder) {
  if (builder == "build_intlist") return "List[int]";
  if (builder == "build_doublelist") return "List[float]";
  if (builder == "build_boollist") return "List[bool]";
  return "List[Tensor]";
}

}  // namespace

PickleGlobal resolveGlobal(const std::string& module, const std::string& name,
                           const std::string& where) {
  PickleGlobal global{module, name, GlobalAction::Value};
  if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
    global.action = GlobalAction::RebuildTensor;
  } else if (module == "collections" && name == "OrderedDict") {
    global.action = GlobalAction::OrderedDict;
  } else if (module == "torch.jit._pickle" &&
             (name == "build_intlist" || name == "build_doublelist" || name == "build_boollist" ||
              name == "build_tensorlist")) {
    global.action = GlobalAction::BuildList;
  } else if (module == "torch.jit._pickle" && name == "restore_type_tag") {
    global.action = GlobalAction::RestoreTypeTag;
  } else if (module == "torch" && name == "device") {
    global.action = GlobalAction::Device;
  } else if (isScriptClassModule(module)) {
    global.action = GlobalAction::ScriptClass;
  } else if (module == "torch" &&
             (isStorageName(name) || name == "per_tensor_affine" || name == "per_channel_affine" ||
              name == "per_channel_affine_float_qparams")) {
    global.action = GlobalAction::Value;  // storage dtypes are checked where they are used
  } else if (module == "torch._utils" && name == "_rebuild_qtensor") {
    fail(where, "quantized tensors are not supported yet");
  } else if (module == "torch._utils" && name == "_rebuild_sparse_tensor") {
    fail(where, "sparse tensors are not supported");
  } else if ((module == "builtins" || module == "__builtin__") && name == "complex") {
    fail(where, "complex numbers are not supported");
  } else {
    fail(where, "global '" + quoteInput(module + "." + name) +
                    "' is not allowed (only TorchScript's own globals are loaded)");
  }
  return global;
}

IValue callGlobal(const PickleGlobal& callee, const IValue& argument, const std::string& where) {
  switch (callee.action) {
    case GlobalAction::RebuildTensor:
      return rebuildTensor(tupleItems(argument, callee, where), where);
    case GlobalAction::OrderedDict:
      return IValue(std::make_shared<DictValue>());  // backward hooks: ignored, as libtorch does
    case GlobalAction::BuildList: {
      const auto& args = tupleItems(argument, callee, where);
      if (args.size() != 1 || !args[0].isList())
        fail(where, callee.qualifiedName() + " expects a list");
      if (args[0].toList()->typeTag.empty()) args[0].toList()->typeTag = listTypeOf(callee.name);
      return args[0];
    }
    case GlobalAction::RestoreTypeTag: {
      const auto& args = tupleItems(argument, callee, where);
      if (args.size() != 2 || !args[1].isString()) fail(where, "malformed restore_type_tag call");
      if (args[0].isList()) args[0].toList()->typeTag = args[1].toString();
      if (args[0].isDict()) args[0].toDict()->typeTag = args[1].toString();
      return args[0];
    }
    case GlobalAction::Device: {
      const auto& args = tupleItems(argument, callee, where);
      if (args.empty() || args.size() > 2 || !args[0].isString() ||
          (args.size() == 2 && !args[1].isInt() && !args[1].isNone())) {
        fail(where, "malformed torch.device call");
      }
      std::string name = args[0].toString();
      if (args.size() == 2 && args[1].isInt())
        name.append(":").append(std::to_string(args[1].toInt()));
      return IValue(DeviceValue{name});
    }
    case GlobalAction::ScriptClass: {
      // `GLOBAL enum_class, value, REDUCE`: torch pushes the bare value (int, float or str).
      auto object = std::make_shared<ObjectValue>();
      object->className = callee.qualifiedName();
      object->enumMember = true;
      const bool wrapped = argument.isTuple() && argument.items().size() == 1;
      object->attributes.emplace_back("value", wrapped ? argument.items()[0] : argument);
      return IValue(object);
    }
    case GlobalAction::Value:
      break;
  }
  fail(where, "global " + callee.module + "." + callee.name + " cannot be called");
}

IValue newScriptObject(const PickleGlobal& cls, const std::string& where) {
  if (cls.action != GlobalAction::ScriptClass) {
    fail(where, "NEWOBJ of '" + cls.qualifiedName() + "', which is not a TorchScript class");
  }
  auto object = std::make_shared<ObjectValue>();
  object->className = cls.qualifiedName();
  return IValue(object);
}

void setObjectState(ObjectValue& object, IValue state, const std::string& where) {
  if (!state.isDict()) {
    object.state = std::make_shared<IValue>(std::move(state));
    return;
  }
  for (const auto& [key, value] : state.toDict()->items) {
    if (!key.isString()) fail(where, "the state of " + object.className + " has a non-string key");
    object.attributes.emplace_back(key.toString(), value);
  }
}

}  // namespace ts2coreml::archive
