#include "lower/aten_op_table.h"
#include "lower/op_families.h"

namespace ts2coreml::lower {

const AtenOpTable& atenOps() {
  static const AtenOpTable table = [] {
    AtenOpTable t;
    registerControlFlowOps(t);
    registerConvolutionOps(t);
    registerActivationOps(t);
    registerElementwiseOps(t);
    registerScalarOps(t);
    registerLinearOps(t);
    registerConversionOps(t);
    registerTupleOps(t);
    registerJoinIndexOps(t);
    registerCreationOps(t);
    registerAttentionOps(t);
    registerRecurrentOps(t);
    registerRecurrentCellOps(t);
    registerPoolOps(t);
    registerResizeOps(t);
    registerMathOps(t);
    registerActivationParamOps(t);
    registerNormalizationOps(t);
    registerReduceOps(t);
    registerMatmulOps(t);
    registerEinsumOps(t);
    registerLayoutOps(t);
    registerPaddingOps(t);
    registerConvTransposeOps(t);
    registerSortOps(t);
    registerAdvancedIndexOps(t);
    registerSlidingWindowOps(t);
    registerSideEffectOps(t);
    return t;
  }();
  return table;
}

}  // namespace ts2coreml::lower
