// The ops whose effect is not (only) their results: raising, printing, warning, writing module
// attributes, changing a list or dict, writing a tensor in place. The compiler resolves them at
// conversion (raises fold or refuse, prints are dropped with a warning, containers are tracked
// statically, in-place writes become functional ops) or refuses them; these rows keep one that
// still reaches the graph alive through dead-code elimination, so that lowering refuses it by
// name ("no lowering to Core ML for this op") instead of the model silently losing what it did.
#include "lower/op_families.h"

namespace ts2coreml::lower {

void registerSideEffectOps(LoweringTable& table) {
  for (const char* name : {"prim::RaiseException", "prim::Print", "prim::SetAttr", "aten::warn",
                           "aten::append", "aten::_set_item", "aten::insert", "aten::pop",
                           "aten::clear", "aten::copy_", "aten::index_put_"}) {
    table.setSideEffects(name);
  }
}

}  // namespace ts2coreml::lower
