#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

const MilOpTable& milOpTable() {
  static const MilOpTable table = [] {
    MilOpTable t;
    registerControlFlowOps(t);    // const, identity, cond, while_loop
    registerElementwiseOps(t);    // add ... logical_xor, select, cast
    registerActivationOps(t);     // relu ... clip, unary math
    registerReductionOps(t);      // reduce_*, reduce_argmax/argmin
    registerConvPoolOps(t);       // conv, conv_transpose, max/avg/l2_pool
    registerLinearAlgebraOps(t);  // matmul, linear
    registerNormalizationOps(t);  // softmax, batch_norm, instance_norm, layer_norm
    registerShapeOps(
        t);  // reshape, transpose, expand_dims, squeeze, shape, fill(_like), range_1d, tile
    registerIndexingOps(t);  // slice_*, gather*, concat, stack, split, pad
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
