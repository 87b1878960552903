// Each op family declares its rows of the op table (aten_op_table.h; built in registry.cc).
#pragma once

#include <string>
#include <unordered_map>

#include "lower/aten_op_table.h"
#include "lower/lowering.h"

namespace ts2coreml::lower {

using LoweringTable = AtenOpTable;

void registerControlFlowOps(LoweringTable& table);
void registerConvOps(LoweringTable& table);
void registerActivationOps(LoweringTable& table);
void registerElementwiseOps(LoweringTable& table);
void registerScalarOps(LoweringTable& table);
void registerLinalgLinearOps(LoweringTable& table);
void registerConversionOps(LoweringTable& table);
void registerTupleOps(LoweringTable& table);
void registerIndexOps(LoweringTable& table);
void registerCreationOps(LoweringTable& table);
void registerAttentionOps(LoweringTable& table);
void registerRecurrentOps(LoweringTable& table);
void registerRecurrentCellOps(LoweringTable& table);
void registerPoolOps(LoweringTable& table);
void registerResizeOps(LoweringTable& table);
void registerElementwiseMathOps(LoweringTable& table);
void registerActivationParamOps(LoweringTable& table);
void registerNormOps(LoweringTable& table);
void registerReduceOps(LoweringTable& table);
void registerLinalgOps(LoweringTable& table);
void registerLinalgEinsumOps(LoweringTable& table);
void registerShapeOps(LoweringTable& table);
void registerPadOps(LoweringTable& table);
void registerConvTransposeOps(LoweringTable& table);
void registerSortOps(LoweringTable& table);
void registerIndexTensorOps(LoweringTable& table);
void registerIndexWindowOps(LoweringTable& table);
void registerSideEffectOps(LoweringTable& table);

// batch_norm in training mode (ops_norm.cc), called by the batch_norm lowering
// (ops_norm.cc) when `training` is true.
void lowerBatchNormWithBatchStatistics(LoweringContext& ctx, const ir::Node& node);

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
// x[:corner_0, :corner_1, ...] (x of known shape, no smaller than `corner`), except along
// `keepAxis` (-1: none): the part a torch op reads when its index is smaller than x.
ir::Value* cutToCorner(LoweringContext& ctx, ir::Value* x, const Shape& corner,
                       int64_t keepAxis = -1);
// y[.., i, j] = sum over (k, l) of rows[i, k] * x[.., k, l] * cols[j, l] for constant fp32
// matrices rows [OH, H] and cols [OW, W]: separable resampling of the last two axes (adaptive
// average pooling, interpolation) as two matmuls and two transposes (ops_resize.cc).
ir::Value* applySeparable(LoweringContext& ctx, ir::Value* x, const Tensor& rows,
                          const Tensor& cols, ir::TypePtr type);
// Fails (naming the op) unless the last `count` dims of `x` are known at conversion time: some
// lowerings build constants from them, which a flexible input shape does not allow.
void requireStaticTrailingDims(LoweringContext& ctx, const ir::Node& node, const ir::Value* x,
                               size_t count, const std::string& what);
// The MIL type of output `index` of a torch-level node.
ir::TypePtr outputType(const ir::Node& node, size_t index = 0);
// One-input MIL op whose result has x's type.
ir::Value* unaryMil(LoweringContext& ctx, ir::MilOpName op, ir::Value* x);
// Two-input MIL op (x, y) with numpy broadcasting; the result has x's dtype.
ir::Value* binaryMil(LoweringContext& ctx, ir::MilOpName op, ir::Value* x, ir::Value* y);
// A rank-0 constant of `dtype` (fp32, fp16, int32 or bool).
ir::Value* scalarConst(LoweringContext& ctx, double value, DType dtype);
// `value` cast to fp32 unless it already is a floating-point tensor.
ir::Value* toFloat(LoweringContext& ctx, ir::Value* value);
// dim counted from the end when negative; fails on the node when out of range.
int64_t axisOf(LoweringContext& ctx, const ir::Node& node, int64_t dim, int64_t rank);
// The known shape of a MIL value (fails on the node when unknown).
const Shape& knownShape(LoweringContext& ctx, const ir::Node& node, const ir::Value* value);
ir::Value* reshapeTo(LoweringContext& ctx, ir::Value* x, const Shape& shape);
ir::Value* transposeBy(LoweringContext& ctx, ir::Value* x, const std::vector<int64_t>& perm);
// x's items at `indices` along `axis` (mil.gather with a constant index list).
ir::Value* gatherConst(LoweringContext& ctx, ir::Value* x, int64_t axis,
                       const std::vector<int64_t>& indices);
// x tiled to `target` (a shape x broadcasts to; leading unit axes are added first).
ir::Value* broadcastTo(LoweringContext& ctx, ir::Value* x, const Shape& target);
// mil.matmul of x and y (y transposed when transposeY), of the given result type (ops_linalg.cc).
ir::Value* matmulOf(LoweringContext& ctx, ir::Value* x, ir::Value* y, bool transposeY,
                    ir::TypePtr type);
// mil.conv_transpose of a torch transposed convolution whose stride and padding are inputs 3
// and 4, and groups and dilation the inputs given (conv_transpose{1,2,3}d: 6, 7;
// _convolution with transposed=True: 8, 5). The output size comes from the node's type.
void emitConvTranspose(LoweringContext& ctx, const ir::Node& node, size_t groupsInput,
                       size_t dilationInput);
// MIL's dtype string for cast: "fp32", "fp16", "int32", "bool".
std::string milDTypeString(DType dtype);

}  // namespace ts2coreml::lower
