#include "passes/shape_rules_fused.h"

namespace ts2coreml::passes::rules {

namespace {

// lstm/gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
// batch_first): output [T, B, D*H] ([B, T, D*H] batch-first); states [layers*D, B, H].
std::optional<ir::TypePtr> recurrentType(const OpOperands& ops, size_t index) {
  const auto& input = ops.types.at(0);
  if (!input->isTensor() || !input->shape() || input->shape()->size() != 3 ||
      ops.constants.size() < 9)
    return std::nullopt;
  const auto& params = ops.constants[2];
  const auto& layers = ops.constants[4];
  const auto& bidirectional = ops.constants[7];
  const auto& batchFirst = ops.constants[8];
  if (!params || !params->isList() || params->items().size() < 2 ||
      !params->items()[1].isTensor() || !layers || !layers->isInt() || !bidirectional ||
      !bidirectional->isBool() || !batchFirst || !batchFirst->isBool())
    return std::nullopt;
  int64_t hidden = params->items()[1].toTensor().dim(1);
  int64_t directions = bidirectional->toBool() ? 2 : 1;
  const Shape& x = *input->shape();
  int64_t steps = batchFirst->toBool() ? x[1] : x[0];
  int64_t batch = batchFirst->toBool() ? x[0] : x[1];
  if (index == 0) {
    Shape out = batchFirst->toBool() ? Shape{batch, steps, directions * hidden}
                                     : Shape{steps, batch, directions * hidden};
    return ir::Type::tensor(input->dtype(), out);
  }
  return ir::Type::tensor(input->dtype(), Shape{layers->toInt() * directions, batch, hidden});
}

// lstm_cell/gru_cell/rnn_*_cell(input [B, In], hx, w_ih, w_hh [G*H, H], ...): states [B, H].
std::optional<ir::TypePtr> cellType(const OpOperands& ops) {
  if (ops.types.size() < 4) return std::nullopt;
  const auto& input = ops.types[0];
  const auto& recurrentWeight = ops.types[3];
  if (!input->isTensor() || !input->shape() || input->shape()->size() != 2 ||
      !recurrentWeight->isTensor() || !recurrentWeight->shape() ||
      recurrentWeight->shape()->size() != 2)
    return std::nullopt;
  return ir::Type::tensor(input->dtype(),
                          Shape{(*input->shape())[0], (*recurrentWeight->shape())[1]});
}

// _native_multi_head_attention(query [B, L, E], key [B, S, E], value, embed_dim, num_head, ...,
// mask, need_weights=True, average_attn_weights=True): output [B, L, E]; weights [B, L, S]
// averaged over heads, else [B, H, L, S].
std::optional<ir::TypePtr> attentionType(const OpOperands& ops, size_t index) {
  const auto& query = ops.types.at(0);
  if (index == 0) return query->isTensor() ? std::optional<ir::TypePtr>(query) : std::nullopt;
  const auto& key = ops.types.at(1);
  if (!query->isTensor() || !query->shape() || query->shape()->size() != 3 || !key->isTensor() ||
      !key->shape() || key->shape()->size() != 3)
    return std::nullopt;
  auto flag = [&](size_t i) {
    return i >= ops.constants.size() || !ops.constants[i] || !ops.constants[i]->isBool() ||
           ops.constants[i]->toBool();
  };
  const Shape& q = *query->shape();
  const int64_t keys = (*key->shape())[1];
  if (flag(11)) return ir::Type::tensor(query->dtype(), Shape{q[0], q[1], keys});
  if (ops.constants.size() < 5 || !ops.constants[4] || !ops.constants[4]->isInt())
    return std::nullopt;
  return ir::Type::tensor(query->dtype(), Shape{q[0], ops.constants[4]->toInt(), q[1], keys});
}

}  // namespace

ShapeRule recurrentLayer() {
  return recurrentType;
}

ShapeRule recurrentCell() {
  return [](const OpOperands& ops, size_t) { return cellType(ops); };
}

ShapeRule multiHeadAttention() {
  return attentionType;
}

}  // namespace ts2coreml::passes::rules
