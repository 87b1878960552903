// matmul and linear.
#include "runtime/kernels/linalg.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

void matmulOp(OpContext& ctx) {
  ctx.setOutput(kernels::matmul(ctx.tensor("x"), ctx.tensor("y"), ctx.boolArg("transpose_x", false),
                                ctx.boolArg("transpose_y", false)));
}

void linearOp(OpContext& ctx) {
  ctx.setOutput(kernels::linear(ctx.tensor("x"), ctx.tensor("weight"), ctx.optionalTensor("bias")));
}

}  // namespace

void registerLinalgOps(MilOpTable& table) {
  table["matmul"] = matmulOp;
  table["linear"] = linearOp;
}

}  // namespace ts2coreml::runtime::mil
