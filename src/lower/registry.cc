#include "lower/aten_op_table.h"
#include "lower/op_families.h"

namespace ts2coreml::lower {

const AtenOpTable& atenOps() {
  static const AtenOpTable table = [] {
    AtenOpTable t;
    registerControlFlowOps(t);
    registerConvOps(t);
    registerActivationOps(t);
    registerElementwiseOps(t);
    registerScalarOps(t);
    registerLinalgLinearOps(t);
    registerConversionOps(t);
    registerTupleOps(t);
    registerIndexOps(t);
    registerCreationOps(t);
    registerAttentionOps(t);
    registerRecurrentOps(t);
    registerRecurrentCellOps(t);
    registerPoolOps(t);
    registerResizeOps(t);
    registerElementwiseMathOps(t);
    registerActivationParamOps(t);
    registerNormOps(t);
    registerReduceOps(t);
    registerLinalgOps(t);
    registerLinalgEinsumOps(t);
    registerShapeOps(t);
    registerPadOps(t);
    registerConvTransposeOps(t);
    registerSortOps(t);
    registerIndexTensorOps(t);
    registerIndexWindowOps(t);
    registerSideEffectOps(t);
    return t;
  }();
  return table;
}

}  // namespace ts2coreml::lower
