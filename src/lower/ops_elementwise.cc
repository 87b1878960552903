// Binary arithmetic, comparison and logical ops on tensors and on scalars (rank-0 tensors).
#include "lower/op_families.h"
#include "passes/shape_rules.h"
#include "passes/shape_rules_math.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

namespace {

ir::TypePtr resultType(const ir::Node& node, DType dtype) {
  const ir::TypePtr torchType = milTypeOf(node.output()->type());
  return ir::Type::tensor(dtype, torchType->isTensor() ? torchType->shape() : Shape{});
}

// out = op(x, y) computed in the promoted dtype (or in float32 when `forceFloat`).
ir::Value* binary(LoweringContext& ctx, const ir::Node& node, ir::MilOpName op, ir::Value* x,
                  ir::Value* y, bool forceFloat = false) {
  DType dtype = promotedDType(x, y);
  if (forceFloat && !isFloatingPoint(dtype)) dtype = DType::Float32;
  x = castTo(ctx, x, dtype);
  y = castTo(ctx, y, dtype);
  return ctx.builder().op1(op, {{"x", x}, {"y", y}}, resultType(node, dtype));
}

// add/sub with `alpha`: y is scaled first when alpha is not 1. `reversed` is rsub
// (other - alpha * self): the operands swap roles, alpha still scales self.
LoweringFn arithmeticWithAlpha(ir::MilOpName op, bool reversed = false) {
  return [op, reversed](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(reversed ? 1 : 0));
    ir::Value* y = ctx.get(node.input(reversed ? 0 : 1));
    if (node.inputs().size() > 2) {
      auto alpha = ctx.constant(node.input(2));
      if (!alpha) ctx.fail(node, "alpha must be a constant");
      if (alpha->toNumber() != 1.0) {
        ir::Value* a = alpha->isDouble() ? ctx.builder().constFloat(alpha->toDouble())
                                         : ctx.builder().constInt(alpha->toInt());
        DType dtype = promotedDType(y, a);
        y = binaryMil(ctx, "mul", castTo(ctx, y, dtype), castTo(ctx, a, dtype));
      }
    }
    ctx.bind(node.output(), binary(ctx, node, op, x, y));
  };
}

LoweringFn plainBinary(ir::MilOpName op, bool forceFloat = false) {
  return [op, forceFloat](LoweringContext& ctx, const ir::Node& node) {
    ctx.bind(node.output(),
             binary(ctx, node, op, ctx.get(node.input(0)), ctx.get(node.input(1)), forceFloat));
  };
}

LoweringFn comparison(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    ir::Value* y = ctx.get(node.input(1));
    DType dtype = promotedDType(x, y);
    x = castTo(ctx, x, dtype);
    y = castTo(ctx, y, dtype);
    ctx.bind(node.output(),
             ctx.builder().op1(op, {{"x", x}, {"y", y}}, resultType(node, DType::Bool)));
  };
}

LoweringFn logical(ir::MilOpName op) {
  return [op](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = castTo(ctx, ctx.get(node.input(0)), DType::Bool);
    ir::Value* y = castTo(ctx, ctx.get(node.input(1)), DType::Bool);
    ctx.bind(node.output(),
             ctx.builder().op1(op, {{"x", x}, {"y", y}}, resultType(node, DType::Bool)));
  };
}

// torch.div: true division unless a rounding mode is given.
void lowerDiv(LoweringContext& ctx, const ir::Node& node) {
  std::string mode;
  if (node.inputs().size() > 2) {
    auto rounding = ctx.constant(node.input(2));
    if (rounding && rounding->isString()) mode = rounding->toString();
  }
  ir::Value* x = ctx.get(node.input(0));
  ir::Value* y = ctx.get(node.input(1));
  if (mode == "floor") {
    ctx.bind(node.output(), binary(ctx, node, "floor_div", x, y));
  } else if (mode == "trunc") {
    // trunc(x / y) = sign(q) * floor(|q|), computed in fp32 and cast back for integer inputs.
    ir::Value* q = binary(ctx, node, "real_div", x, y, /*forceFloat=*/true);
    auto& b = ctx.builder();
    ir::Value* magnitude = b.op1("floor", {{"x", b.op1("abs", {{"x", q}}, q->type())}}, q->type());
    ir::Value* truncated =
        b.op1("mul", {{"x", b.op1("sign", {{"x", q}}, q->type())}, {"y", magnitude}}, q->type());
    DType want = milTypeOf(node.output()->type())->dtype().value_or(DType::Float32);
    ctx.bind(node.output(), castTo(ctx, truncated, want));
  } else if (mode.empty()) {
    ctx.bind(node.output(), binary(ctx, node, "real_div", x, y, /*forceFloat=*/true));
  } else {
    ctx.fail(node, "rounding_mode '" + mode + "' is not supported");
  }
}

// prim::max / prim::min: the two-number overloads (the list overloads are folded or refused).
LoweringFn ofTwoNumbers(std::string kind, LoweringFn lowerPair) {
  return [kind = std::move(kind), lowerPair](LoweringContext& ctx, const ir::Node& node) {
    if (node.inputs().size() != 2)
      ctx.fail(node, kind + " of a list known only at run time is not supported");
    lowerPair(ctx, node);
  };
}

}  // namespace

void registerElementwiseOps(LoweringTable& table) {
  table["aten::add"] = arithmeticWithAlpha("add");
  table["aten::sub"] = arithmeticWithAlpha("sub");
  table["aten::rsub"] = arithmeticWithAlpha("sub", /*reversed=*/true);
  table["aten::mul"] = plainBinary("mul");
  table["aten::multiply"] = plainBinary("mul");  // torch.multiply, as traced graphs keep it
  table["aten::div"] = lowerDiv;
  table["aten::true_divide"] = plainBinary("real_div", true);
  table["aten::floordiv"] = plainBinary("floor_div");
  table["aten::floor_divide"] = plainBinary("floor_div");
  table["aten::remainder"] = plainBinary("mod");
  table["aten::pow"] = plainBinary("pow", true);
  table["aten::maximum"] = plainBinary("maximum");
  // max(a, b) / min(a, b) of two numbers known at run time (padding sizes of "same" convs).
  table["prim::max"] = ofTwoNumbers("prim::max", plainBinary("maximum"));
  table["prim::min"] = ofTwoNumbers("prim::min", plainBinary("minimum"));
  table["aten::minimum"] = plainBinary("minimum");
  table["aten::lt"] = comparison("less");
  table["aten::le"] = comparison("less_equal");
  table["aten::gt"] = comparison("greater");
  table["aten::ge"] = comparison("greater_equal");
  table["aten::eq"] = comparison("equal");
  table["aten::ne"] = comparison("not_equal");
  table["aten::__and__"] = logical("logical_and");
  table["aten::__or__"] = logical("logical_or");
  table["aten::__xor__"] = logical("logical_xor");
  table["aten::logical_and"] = logical("logical_and");
  table["aten::logical_or"] = logical("logical_or");

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::add", "aten::sub", "aten::rsub", "aten::mul", "aten::multiply",
                           "aten::maximum", "aten::minimum"}) {
    table.setShapeRule(name, passes::rules::binaryArithmetic(false));
  }
  table.setShapeRule("aten::div", passes::rules::binaryArithmetic(true));
  table.setShapeRule("aten::true_divide", passes::rules::binaryArithmetic(true));
  for (const char* name :
       {"aten::lt", "aten::le", "aten::gt", "aten::ge", "aten::eq", "aten::ne"}) {
    table.setShapeRule(name, passes::rules::comparison());
  }
  for (const char* name : {"aten::remainder", "aten::floor_divide"}) {
    table.setShapeRule(name, passes::rules::broadcastBinary(passes::rules::BinaryResult::Promoted));
  }
  for (const char* name : {"aten::logical_and", "aten::logical_or"}) {
    table.setShapeRule(name, passes::rules::broadcastBinary(passes::rules::BinaryResult::Bool));
  }
  for (const char* name : {"aten::__and__", "aten::__or__", "aten::__xor__"}) {
    table.setShapeRule(
        name, passes::rules::broadcastBinary(passes::rules::BinaryResult::BoolOperandsOnly));
  }
  table.setShapeRule("aten::pow",
                     passes::rules::broadcastBinary(passes::rules::BinaryResult::Power));

  // Evaluation on compile-time values (aten_op_table.h).
  table.setFold("aten::add", passes::folds::addition());
  table.setFold("aten::sub", passes::folds::arithmetic(passes::folds::Arithmetic::Subtract));
  table.setFold("aten::mul", passes::folds::arithmetic(passes::folds::Arithmetic::Multiply));
  table.setFold("aten::div", passes::folds::arithmetic(passes::folds::Arithmetic::TrueDivide));
  table.setFold("aten::floordiv",
                passes::folds::arithmetic(passes::folds::Arithmetic::FloorDivide));
  table.setFold("aten::remainder", passes::folds::arithmetic(passes::folds::Arithmetic::Remainder));
  table.setFold("aten::pow", passes::folds::arithmetic(passes::folds::Arithmetic::Power));
  table.setFold("aten::lt", passes::folds::ordering(passes::folds::Ordering::Less));
  table.setFold("aten::le", passes::folds::ordering(passes::folds::Ordering::LessEqual));
  table.setFold("aten::gt", passes::folds::ordering(passes::folds::Ordering::Greater));
  table.setFold("aten::ge", passes::folds::ordering(passes::folds::Ordering::GreaterEqual));
  table.setFold("aten::eq", passes::folds::equality(false));
  table.setFold("aten::ne", passes::folds::equality(true));
  table.setFold("aten::__and__", passes::folds::bitwise(true));
  table.setFold("aten::__or__", passes::folds::bitwise(false));
  for (const char* name : {"aten::min", "prim::min"}) {
    table.setFold(name, passes::folds::extremum(false));
  }
  for (const char* name : {"aten::max", "prim::max"}) {
    table.setFold(name, passes::folds::extremum(true));
  }
}

}  // namespace ts2coreml::lower
