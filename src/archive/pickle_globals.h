// The fixed allow-list of globals a TorchScript pickle may name, and what each one means.
//
// A pickle's GLOBAL/REDUCE opcodes normally import and call arbitrary Python. Here every
// allowed (module, name) pair maps to a built-in action that only builds data; any other name is
// refused as soon as GLOBAL reads it, so no pickle can make the reader do anything else.
#pragma once

#include <string>

#include "core/ivalue.h"

namespace ts2coreml::archive {

enum class GlobalAction {
  RebuildTensor,   // torch._utils._rebuild_tensor_v2: a strided view on a storage
  OrderedDict,     // collections.OrderedDict: only used for (empty) backward hooks
  BuildList,       // torch.jit._pickle.build_{int,double,bool,tensor}list: a typed list
  RestoreTypeTag,  // torch.jit._pickle.restore_type_tag: attaches "List[str]"... to a container
  Device,          // torch.device
  ScriptClass,     // __torch__.*: modules, script classes and enums (data only)
  Value,           // torch.<X>Storage, torch.per_tensor_affine...: a marker value, never called
};

struct PickleGlobal {
  std::string module;
  std::string name;
  GlobalAction action = GlobalAction::Value;
  std::string qualifiedName() const { return module + "." + name; }
};

// Resolves a GLOBAL. Throws Error "<where>: global 'os.system' is not allowed (only
// TorchScript's own globals are loaded)" for anything off the list, and a clearer message for
// torch features we do not read yet (quantized, sparse and complex tensors).
PickleGlobal resolveGlobal(const std::string& module, const std::string& name,
                           const std::string& where);

// REDUCE: the value of calling `callee` (any action but Value) with `argument`.
IValue callGlobal(const PickleGlobal& callee, const IValue& argument, const std::string& where);

// NEWOBJ on a script class: an empty object that BUILD then fills in.
IValue newScriptObject(const PickleGlobal& cls, const std::string& where);

// BUILD on a script object: a dict state becomes the attributes in order (the class header's
// slot order); any other state (from __getstate__) is kept whole in ObjectValue::state.
void setObjectState(ObjectValue& object, IValue state, const std::string& where);

}  // namespace ts2coreml::archive
