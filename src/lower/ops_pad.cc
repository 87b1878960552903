// Padding (F.pad, scripted or traced, and constant_pad_nd) on the trailing axes: constant padding
// concatenates constant blocks; reflect, replicate and circular padding gather the input with a
// constant index map. Negative pads crop with a slice.
#include "lower/op_families.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

// Index map of one padded axis of size n.
std::vector<int64_t> paddedIndices(const std::string& mode, int64_t n, int64_t before,
                                   int64_t after) {
  std::vector<int64_t> indices;
  for (int64_t k = -before; k < n + after; ++k) {
    int64_t i = k;
    if (mode == "reflect") {
      int64_t period = 2 * (n - 1);
      i = period == 0 ? 0 : ((k % period) + period) % period;
      if (i >= n) i = period - i;
    } else if (mode == "replicate") {
      i = std::clamp<int64_t>(k, 0, n - 1);
    } else {  // circular
      i = ((k % n) + n) % n;
    }
    indices.push_back(i);
  }
  return indices;
}

ir::Value* padAxis(LoweringContext& ctx, const ir::Node& node, ir::Value* x, int64_t axis,
                   int64_t before, int64_t after, const std::string& mode, double value) {
  Shape shape = *x->type()->shape();
  int64_t n = shape[static_cast<size_t>(axis)];
  if (before < 0 || after < 0) {
    x = sliceAlong(ctx, x, axis, before < 0 ? -before : 0, after < 0 ? n + after : n, false);
    return padAxis(ctx, node, x, axis, std::max<int64_t>(before, 0), std::max<int64_t>(after, 0),
                   mode, value);
  }
  if (before == 0 && after == 0) return x;
  if (mode != "constant") {
    if (mode == "reflect" && (before >= n || after >= n))
      ctx.fail(node, "reflect padding must be smaller than the padded dimension");
    return gatherConst(ctx, x, axis, paddedIndices(mode, n, before, after));
  }
  auto& b = ctx.builder();
  auto block = [&](int64_t size) {
    Shape s = shape;
    s[static_cast<size_t>(axis)] = size;
    Tensor t(DType::Float32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.mutableData<float>()[i] = static_cast<float>(value);
    return castTo(ctx, b.constTensor(t), dtypeOf(x));
  };
  std::vector<NamedInput> inputs;
  if (before) inputs.emplace_back("values", block(before));
  inputs.emplace_back("values", x);
  if (after) inputs.emplace_back("values", block(after));
  inputs.emplace_back("axis", b.constInt(axis));
  inputs.emplace_back("interleave", b.constBool(false));
  shape[static_cast<size_t>(axis)] = n + before + after;
  return b.op("concat", inputs, {ir::Type::tensor(dtypeOf(x), shape)})->output();
}

// pad(self, pad, mode, value?) / constant_pad_nd(self, pad, value).
void lowerPad(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  int64_t rank = static_cast<int64_t>(knownShape(ctx, node, x).size());
  std::vector<int64_t> pads = ctx.constantInts(node, 1);
  std::string mode = "constant";
  double value = 0;
  const std::string& kind = node.kind();
  if (kind == "aten::pad") {
    auto given = ctx.constant(node.input(2));
    if (!given || !given->isString()) ctx.fail(node, "the padding mode must be a constant");
    mode = given->toString();
    if (node.inputs().size() > 3 && !ctx.isNone(node.input(3))) {
      auto v = ctx.constant(node.input(3));
      if (!v) ctx.fail(node, "the padding value must be a constant");
      value = v->toNumber();
    }
  } else if (kind == "aten::constant_pad_nd") {
    auto v = ctx.constant(node.input(2));
    if (!v) ctx.fail(node, "the padding value must be a constant");
    value = v->toNumber();
  }
  if (mode != "constant" && mode != "reflect" && mode != "replicate" && mode != "circular")
    ctx.fail(node, "unknown padding mode '" + mode + "'");
  if (pads.size() % 2 != 0 || static_cast<int64_t>(pads.size() / 2) > rank)
    ctx.fail(node, "the pad list must hold a (before, after) pair per padded dimension");
  for (size_t i = 0; i < pads.size() / 2; ++i)
    x = padAxis(ctx, node, x, rank - 1 - static_cast<int64_t>(i), pads[2 * i], pads[2 * i + 1],
                mode, value);
  ctx.bind(node.output(), x);
}

}  // namespace

void registerPadOps(LoweringTable& table) {
  table["aten::pad"] = lowerPad;
  table["aten::constant_pad_nd"] = lowerPad;

  // Result types (aten_op_table.h).
  for (const char* name : {"aten::pad", "aten::constant_pad_nd"}) {
    table.setShapeRule(name, passes::rules::padded());
  }
}

}  // namespace ts2coreml::lower
