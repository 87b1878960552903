#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

const MilOpTable& milOpTable() {
  static const MilOpTable table = [] {
    MilOpTable t;
    registerControlFlowOps(t);  // const, identity, cond, while_loop
    registerElementwiseOps(t);  // add ... logical_xor, select, cast
    registerActivationOps(t);   // relu ... clip, unary math
    registerReduceOps(t);       // reduce_*, reduce_argmax/argmin
    registerConvOps(t);         // conv, conv_transpose
    registerPoolOps(t);         // max/avg/l2_pool
    registerLinalgOps(t);       // matmul, linear
    registerNormOps(t);         // softmax, batch_norm, instance_norm, layer_norm
    registerShapeOps(
        t);  // reshape, transpose, expand_dims, squeeze, shape, fill(_like), range_1d, tile
    registerIndexOps(t);  // slice_*, gather*, concat, stack, split, pad
    return t;
  }();
  return table;
}

MilOpFn findMilOp(const std::string& type) {
  const auto& table = milOpTable();
  auto it = table.find(type);
  return it == table.end() ? nullptr : it->second;
}

}  // namespace ts2coreml::runtime::mil
