// Each op family registers its lowerings into the one table (see registry.cc).
#pragma once

#include <string>
#include <unordered_map>

#include "lower/lowering.h"

namespace ts2coreml::lower {

using LoweringTable = std::unordered_map<std::string, LoweringFn>;

void registerControlFlowOps(LoweringTable& table);
void registerConvolutionOps(LoweringTable& table);
void registerActivationOps(LoweringTable& table);
void registerElementwiseOps(LoweringTable& table);
void registerReductionOps(LoweringTable& table);
void registerScalarOps(LoweringTable& table);
void registerLinearOps(LoweringTable& table);
void registerConversionOps(LoweringTable& table);
void registerTupleOps(LoweringTable& table);
void registerJoinIndexOps(LoweringTable& table);
void registerCreationOps(LoweringTable& table);
void registerTransformerOps(LoweringTable& table);
void registerRecurrentOps(LoweringTable& table);
void registerCnnOps(LoweringTable& table);
void registerResizeOps(LoweringTable& table);

// Shared helpers for op families.
// Casts `value` to `dtype` with mil.cast unless it already has it (constants are re-made).
ir::Value* castTo(LoweringContext& ctx, ir::Value* value, DType dtype);
// The dtype two operands are computed in (torch promotion restricted to Core ML's types).
DType promotedDType(const ir::Value* a, const ir::Value* b);
DType dtypeOf(const ir::Value* milValue);
// x[begin:end] along `axis` (x of known shape) with mil.slice_by_index; `squeeze` drops the
// axis (end must then be begin + 1).
ir::Value* sliceAlong(LoweringContext& ctx, ir::Value* x, int64_t axis, int64_t begin, int64_t end,
                      bool squeeze);
// y[.., i, j] = sum over (k, l) of rows[i, k] * x[.., k, l] * cols[j, l] for constant fp32
// matrices rows [OH, H] and cols [OW, W]: separable resampling of the last two axes (adaptive
// average pooling, interpolation) as two matmuls and two transposes (ops_resize.cc).
ir::Value* applySeparable(LoweringContext& ctx, ir::Value* x, const Tensor& rows,
                          const Tensor& cols, ir::TypePtr type);
// Fails (naming the op) unless the last `count` dims of `x` are known at conversion time: some
// lowerings build constants from them, which a flexible input shape does not allow.
void requireStaticTrailingDims(LoweringContext& ctx, const ir::Node& node, const ir::Value* x,
                               size_t count, const std::string& what);
// MIL's dtype string for cast: "fp32", "fp16", "int32", "bool".
std::string milDTypeString(DType dtype);

}  // namespace ts2coreml::lower
