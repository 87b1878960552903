// Attention: scaled_dot_product_attention (matmul, scale, mask, softmax, matmul), and the fused
// eval-mode fast paths of nn.MultiheadAttention and nn.TransformerEncoderLayer.
//
// aten::_transformer_encoder_layer_fwd, the eval-mode fast path of nn.TransformerEncoderLayer
// (batch_first), decomposed into MIL ops: the packed q/k/v projection is split at conversion
// time into three linear ops, attention is matmul + softmax per head, then the residual
// connections, layer norms and the feed-forward block in the order `norm_first` gives.
#include <cmath>
#include <cstring>
#include <limits>

#include "lower/op_families.h"
#include "passes/shape_rules_fused.h"
#include "passes/shape_rules_math.h"
#include "passes/shape_rules_pool.h"

namespace ts2coreml::lower {

namespace {

// Rows [begin, begin + count) of a constant matrix or vector, as an fp32 constant.
ir::Value* constRows(LoweringContext& ctx, const Tensor& source, int64_t begin, int64_t count) {
  Tensor t = source.contiguous().to(DType::Float32);
  int64_t rowSize = t.rank() == 1 ? 1 : t.numel() / t.dim(0);
  Shape shape = t.shape();
  shape[0] = count;
  Tensor rows(DType::Float32, shape);
  std::memcpy(rows.mutableData<float>(), t.data<float>() + begin * rowSize,
              static_cast<size_t>(count * rowSize) * sizeof(float));
  return ctx.builder().constTensor(rows);
}

struct EncoderLayer {
  LoweringContext& ctx;
  const ir::Node& node;
  int64_t batch, length, embed, heads;

  MilBuilder& b() { return ctx.builder(); }
  ir::TypePtr type(Shape shape) { return milTensor(DType::Float32, std::move(shape)); }
  Tensor constant(size_t input) {
    auto value = ctx.constant(node.input(input));
    if (!value || !value->isTensor()) ctx.fail(node, "weights must be constants");
    return value->toTensor();
  }

  ir::Value* linear(ir::Value* x, ir::Value* weight, ir::Value* bias, int64_t outFeatures) {
    return b().op1("linear", {{"x", x}, {"weight", weight}, {"bias", bias}},
                   type({batch, length, outFeatures}));
  }
  ir::Value* layerNorm(ir::Value* x, size_t weightInput, double eps) {
    return b().op1("layer_norm",
                   {{"x", x},
                    {"axes", b().constIntVector({-1})},
                    {"gamma", ctx.get(node.input(weightInput))},
                    {"beta", ctx.get(node.input(weightInput + 1))},
                    {"epsilon", b().constFloat(eps)}},
                   x->type());
  }
  // [B, L, E] -> [B, H, L, D]
  ir::Value* splitHeads(ir::Value* x) {
    int64_t d = embed / heads;
    ir::Value* r =
        b().op1("reshape", {{"x", x}, {"shape", b().constIntVector({batch, length, heads, d})}},
                type({batch, length, heads, d}));
    return b().op1("transpose", {{"x", r}, {"perm", b().constIntVector({0, 2, 1, 3})}},
                   type({batch, heads, length, d}));
  }
  ir::Value* attention(ir::Value* x) {
    Tensor qkvWeight = constant(3), qkvBias = constant(4);
    ir::Value* q =
        linear(x, constRows(ctx, qkvWeight, 0, embed), constRows(ctx, qkvBias, 0, embed), embed);
    ir::Value* k = linear(x, constRows(ctx, qkvWeight, embed, embed),
                          constRows(ctx, qkvBias, embed, embed), embed);
    ir::Value* v = linear(x, constRows(ctx, qkvWeight, 2 * embed, embed),
                          constRows(ctx, qkvBias, 2 * embed, embed), embed);
    int64_t d = embed / heads;
    ir::Value* scores = b().op1("matmul",
                                {{"x", splitHeads(q)},
                                 {"y", splitHeads(k)},
                                 {"transpose_x", b().constBool(false)},
                                 {"transpose_y", b().constBool(true)}},
                                type({batch, heads, length, length}));
    scores = b().op1("mul", {{"x", scores}, {"y", b().constFloat(1.0 / std::sqrt(double(d)))}},
                     scores->type());
    ir::Value* weights =
        b().op1("softmax", {{"x", scores}, {"axis", b().constInt(-1)}}, scores->type());
    ir::Value* context = b().op1("matmul",
                                 {{"x", weights},
                                  {"y", splitHeads(v)},
                                  {"transpose_x", b().constBool(false)},
                                  {"transpose_y", b().constBool(false)}},
                                 type({batch, heads, length, d}));
    context = b().op1("transpose", {{"x", context}, {"perm", b().constIntVector({0, 2, 1, 3})}},
                      type({batch, length, heads, d}));
    context =
        b().op1("reshape", {{"x", context}, {"shape", b().constIntVector({batch, length, embed})}},
                type({batch, length, embed}));
    return linear(context, ctx.get(node.input(5)), ctx.get(node.input(6)), embed);
  }
  ir::Value* feedForward(ir::Value* x, bool gelu) {
    Tensor w1 = constant(14);
    int64_t hidden = w1.dim(0);
    ir::Value* h = linear(x, ctx.get(node.input(14)), ctx.get(node.input(15)), hidden);
    h = gelu ? b().op1("gelu", {{"x", h}, {"mode", b().constString("EXACT")}}, h->type())
             : b().op1("relu", {{"x", h}}, h->type());
    return linear(h, ctx.get(node.input(16)), ctx.get(node.input(17)), embed);
  }
  ir::Value* add(ir::Value* x, ir::Value* y) {
    return b().op1("add", {{"x", x}, {"y", y}}, x->type());
  }
};

// _transformer_encoder_layer_fwd(src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight,
//   proj_bias, use_gelu, norm_first, eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2,
//   ffn_weight_1, ffn_bias_1, ffn_weight_2, ffn_bias_2, mask=None, mask_type=None)
void lowerEncoderLayer(LoweringContext& ctx, const ir::Node& node) {
  if (node.inputs().size() > 18 && !ctx.isNone(node.input(18)))
    ctx.fail(node, "attention masks are not supported yet");
  ir::Value* x = castTo(ctx, ctx.get(node.input(0)), DType::Float32);
  const auto& shape = x->type()->shape();
  if (!shape || shape->size() != 3) ctx.fail(node, "needs a [batch, sequence, embed] input");
  EncoderLayer layer{
      ctx, node, (*shape)[0], (*shape)[1], ctx.constantInt(node, 1), ctx.constantInt(node, 2)};
  if (layer.embed != (*shape)[2] || layer.embed % layer.heads != 0)
    ctx.fail(node, "embed_dim does not match the input or the number of heads");
  bool gelu = ctx.constantBool(node, 7);
  bool normFirst = ctx.constantBool(node, 8);
  auto eps = ctx.constant(node.input(9));
  double epsilon = eps ? eps->toNumber() : 1e-5;
  ir::Value* y;
  if (normFirst) {
    y = layer.add(x, layer.attention(layer.layerNorm(x, 10, epsilon)));
    y = layer.add(y, layer.feedForward(layer.layerNorm(y, 12, epsilon), gelu));
  } else {
    y = layer.layerNorm(layer.add(x, layer.attention(x)), 10, epsilon);
    y = layer.layerNorm(layer.add(y, layer.feedForward(y, gelu)), 12, epsilon);
  }
  ctx.bind(node.output(), y);
}

// _native_multi_head_attention(query, key, value, embed_dim, num_head, qkv_weight, qkv_bias,
//   proj_weight, proj_bias, mask=None, need_weights=True, average_attn_weights=True,
//   mask_type=None) -> (output, weights): nn.MultiheadAttention's eval fast path (batch_first).
void lowerMultiHeadAttention(LoweringContext& ctx, const ir::Node& node) {
  if (node.inputs().size() > 9 && !ctx.isNone(node.input(9)))
    ctx.fail(node, "attention masks are not supported yet");
  ir::Value* query = castTo(ctx, ctx.get(node.input(0)), DType::Float32);
  ir::Value* key = castTo(ctx, ctx.get(node.input(1)), DType::Float32);
  ir::Value* value = castTo(ctx, ctx.get(node.input(2)), DType::Float32);
  const auto& qShape = query->type()->shape();
  const auto& kShape = key->type()->shape();
  if (!qShape || qShape->size() != 3 || !kShape || kShape->size() != 3 ||
      key->type()->shape() != value->type()->shape())
    ctx.fail(node, "needs [batch, sequence, embed] query, key and value");
  const int64_t batch = (*qShape)[0], length = (*qShape)[1], keys = (*kShape)[1];
  EncoderLayer layer{ctx, node, batch, length, ctx.constantInt(node, 3), ctx.constantInt(node, 4)};
  const int64_t embed = layer.embed, heads = layer.heads, d = embed / heads;
  if (embed != (*qShape)[2] || embed % heads != 0)
    ctx.fail(node, "embed_dim does not match the input or the number of heads");
  auto& b = ctx.builder();
  auto type = [](Shape shape) { return milTensor(DType::Float32, std::move(shape)); };
  Tensor qkvWeight = layer.constant(5), qkvBias = layer.constant(6);
  auto project = [&](ir::Value* x, int64_t part, int64_t rows) {
    ir::Value* y = b.op1("linear",
                         {{"x", x},
                          {"weight", constRows(ctx, qkvWeight, part * embed, embed)},
                          {"bias", constRows(ctx, qkvBias, part * embed, embed)}},
                         type({batch, rows, embed}));
    ir::Value* r =
        b.op1("reshape", {{"x", y}, {"shape", b.constIntVector({batch, rows, heads, d})}},
              type({batch, rows, heads, d}));
    return b.op1("transpose", {{"x", r}, {"perm", b.constIntVector({0, 2, 1, 3})}},
                 type({batch, heads, rows, d}));
  };
  ir::Value* scores = b.op1("matmul",
                            {{"x", project(query, 0, length)},
                             {"y", project(key, 1, keys)},
                             {"transpose_x", b.constBool(false)},
                             {"transpose_y", b.constBool(true)}},
                            type({batch, heads, length, keys}));
  scores = b.op1("mul", {{"x", scores}, {"y", b.constFloat(1.0 / std::sqrt(double(d)))}},
                 scores->type());
  ir::Value* weights = b.op1("softmax", {{"x", scores}, {"axis", b.constInt(-1)}}, scores->type());
  ir::Value* context = b.op1("matmul",
                             {{"x", weights},
                              {"y", project(value, 2, keys)},
                              {"transpose_x", b.constBool(false)},
                              {"transpose_y", b.constBool(false)}},
                             type({batch, heads, length, d}));
  context = b.op1("transpose", {{"x", context}, {"perm", b.constIntVector({0, 2, 1, 3})}},
                  type({batch, length, heads, d}));
  context = b.op1("reshape", {{"x", context}, {"shape", b.constIntVector({batch, length, embed})}},
                  type({batch, length, embed}));
  ctx.bind(node.output(0),
           layer.linear(context, ctx.get(node.input(7)), ctx.get(node.input(8)), embed));
  auto flag = [&](size_t i) {
    if (i >= node.inputs().size()) return true;  // need_weights / average default to True
    auto value = ctx.constant(node.input(i));
    return !value || !value->isBool() || value->toBool();
  };
  if (node.numOutputs() > 1) {
    ir::Value* returned = weights;
    if (flag(11)) {
      returned = b.op1(
          "reduce_mean",
          {{"x", weights}, {"axes", b.constIntVector({1})}, {"keep_dims", b.constBool(false)}},
          type({batch, length, keys}));
    }
    ctx.bind(node.output(1), returned);
  }
}

// scaled_dot_product_attention(query, key, value, attn_mask?, dropout_p, is_causal, scale?,
// enable_gqa): softmax(q kᵀ * scale + mask) v. A bool mask keeps the positions where it is true.
void lowerAttention(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* q = toFloat(ctx, ctx.get(node.input(0)));
  ir::Value* k = castTo(ctx, ctx.get(node.input(1)), dtypeOf(q));
  ir::Value* v = castTo(ctx, ctx.get(node.input(2)), dtypeOf(q));
  const Shape qs = knownShape(ctx, node, q), ks = knownShape(ctx, node, k);
  if (qs.size() < 2 || ks.size() != qs.size())
    ctx.fail(node, "query and key must have the same rank >= 2");
  auto dropout = ctx.constant(node.input(4));
  if (!dropout || dropout->toNumber() != 0.0) ctx.fail(node, "dropout_p must be 0 at inference");
  bool causal = ctx.constantBool(node, 5);
  double scale = 1.0 / std::sqrt(static_cast<double>(qs.back()));
  if (node.inputs().size() > 6 && !ctx.isNone(node.input(6))) {
    auto given = ctx.constant(node.input(6));
    if (!given) ctx.fail(node, "scale must be a constant");
    scale = given->toNumber();
  }
  if (node.inputs().size() > 7 && ctx.constantBool(node, 7))
    ctx.fail(node, "enable_gqa is not supported");
  int64_t length = qs[qs.size() - 2], source = ks[ks.size() - 2];
  Shape scoreShape(qs.begin(), qs.end() - 1);
  scoreShape.push_back(source);
  ir::TypePtr scoreType = ir::Type::tensor(dtypeOf(q), scoreShape);
  ir::Value* scores = matmulOf(ctx, q, k, true, scoreType);
  scores = binaryMil(ctx, "mul", scores, scalarConst(ctx, scale, dtypeOf(q)));
  auto& b = ctx.builder();
  ir::Value* negInf = scalarConst(ctx, -std::numeric_limits<double>::infinity(), dtypeOf(q));
  auto keepWhere = [&](ir::Value* keep) {
    return b.op1("select", {{"cond", keep}, {"a", scores}, {"b", negInf}}, scoreType);
  };
  if (causal) {
    Tensor lower(DType::Bool, Shape{length, source});
    for (int64_t i = 0; i < length; ++i)
      for (int64_t j = 0; j < source; ++j) lower.mutableData<bool>()[i * source + j] = j <= i;
    scores = keepWhere(b.constTensor(lower));
  }
  if (!ctx.isNone(node.input(3))) {
    ir::Value* mask = ctx.get(node.input(3));
    scores = dtypeOf(mask) == DType::Bool
                 ? keepWhere(mask)
                 : b.op1("add", {{"x", scores}, {"y", castTo(ctx, mask, dtypeOf(q))}}, scoreType);
  }
  ir::Value* weights = b.op1("softmax", {{"x", scores}, {"axis", b.constInt(-1)}}, scoreType);
  ctx.bind(node.output(), matmulOf(ctx, weights, v, false, outputType(node)));
}

}  // namespace

void registerAttentionOps(LoweringTable& table) {
  table["aten::scaled_dot_product_attention"] = lowerAttention;
  table["aten::_native_multi_head_attention"] = lowerMultiHeadAttention;
  table["aten::_transformer_encoder_layer_fwd"] = lowerEncoderLayer;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::scaled_dot_product_attention",
                     passes::rules::scaledDotProductAttention());
  table.setShapeRule("aten::_native_multi_head_attention", passes::rules::multiHeadAttention());
  // The encoder layer maps [batch, sequence, embed] to the same shape.
  table.setShapeRule("aten::_transformer_encoder_layer_fwd", passes::rules::sameAsTensorInput());
}

}  // namespace ts2coreml::lower
