// Binary elementwise ops (numpy broadcasting), comparisons, logical ops, select and cast.
#include "coreml/mil_dtypes.h"
#include "runtime/kernels/elementwise_binary.h"
#include "runtime/kernels/elementwise_unary.h"
#include "runtime/mil/op_context.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace {

using kernels::BinaryOp;

template <BinaryOp Op>
void binaryOp(OpContext& ctx) {
  ctx.setOutput(kernels::binary(Op, ctx.tensor("x"), ctx.tensor("y")));
}

void selectOp(OpContext& ctx) {
  ctx.setOutput(kernels::select(ctx.tensor("cond"), ctx.tensor("a"), ctx.tensor("b")));
}

void castOp(OpContext& ctx) {
  const std::string name = ctx.stringArg("dtype");
  auto milType = coreml::milDataTypeFromName(name);
  auto dtype = milType ? coreml::dtypeOfMilDataType(*milType) : std::nullopt;
  if (!dtype) ctx.fail("cannot cast to dtype '" + name + "'");
  ctx.setOutput(kernels::cast(ctx.tensor("x"), *dtype));
}

}  // namespace

void registerElementwiseOps(MilOpTable& table) {
  table["add"] = binaryOp<BinaryOp::Add>;
  table["sub"] = binaryOp<BinaryOp::Sub>;
  table["mul"] = binaryOp<BinaryOp::Mul>;
  table["real_div"] = binaryOp<BinaryOp::RealDiv>;
  table["floor_div"] = binaryOp<BinaryOp::FloorDiv>;
  table["mod"] = binaryOp<BinaryOp::Mod>;
  table["pow"] = binaryOp<BinaryOp::Pow>;
  table["maximum"] = binaryOp<BinaryOp::Maximum>;
  table["minimum"] = binaryOp<BinaryOp::Minimum>;
  table["equal"] = binaryOp<BinaryOp::Equal>;
  table["not_equal"] = binaryOp<BinaryOp::NotEqual>;
  table["less"] = binaryOp<BinaryOp::Less>;
  table["less_equal"] = binaryOp<BinaryOp::LessEqual>;
  table["greater"] = binaryOp<BinaryOp::Greater>;
  table["greater_equal"] = binaryOp<BinaryOp::GreaterEqual>;
  table["logical_and"] = binaryOp<BinaryOp::LogicalAnd>;
  table["logical_or"] = binaryOp<BinaryOp::LogicalOr>;
  table["logical_xor"] = binaryOp<BinaryOp::LogicalXor>;
  table["select"] = selectOp;
  table["cast"] = castOp;
}

}  // namespace ts2coreml::runtime::mil
