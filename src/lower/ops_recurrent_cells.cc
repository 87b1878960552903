// One time step of a recurrent cell: aten::lstm_cell, gru_cell, rnn_tanh_cell and rnn_relu_cell
// (nn.LSTMCell, nn.GRUCell, nn.RNNCell), decomposed into linear, sigmoid/tanh/relu, mul and add,
// which both backends express. A loop over time steps calling the cell stays a loop around these
// ops. Gate order follows torch: LSTM i, f, g, o and GRU r, z, n.
#include "lower/op_families.h"
#include "passes/shape_rules_fused.h"

namespace ts2coreml::lower {

namespace {

enum class CellKind { LSTM, GRU, RNNTanh, RNNRelu };

int gateCount(CellKind kind) {
  return kind == CellKind::LSTM ? 4 : kind == CellKind::GRU ? 3 : 1;
}

// The cell's inputs and how to combine them; input [B, In], states [B, H].
struct CellStep {
  LoweringContext& ctx;
  const ir::Node& node;
  int64_t batch, hidden;

  MilBuilder& b() { return ctx.builder(); }
  ir::TypePtr stateType() { return milTensor(DType::Float32, {batch, hidden}); }

  // x @ weight.T + bias with a constant weight (Core ML's linear and inner product layer take
  // their weights from the model file).
  ir::Value* linear(ir::Value* x, size_t weightInput, size_t biasInput, int64_t width) {
    auto weight = ctx.constant(node.input(weightInput));
    if (!weight || !weight->isTensor()) ctx.fail(node, "the cell's weights must be constants");
    std::vector<NamedInput> inputs{
        {"x", x}, {"weight", b().constTensor(weight->toTensor().to(DType::Float32))}};
    if (node.inputs().size() > biasInput && !ctx.isNone(node.input(biasInput))) {
      auto bias = ctx.constant(node.input(biasInput));
      if (!bias || !bias->isTensor()) ctx.fail(node, "the cell's biases must be constants");
      inputs.emplace_back("bias", b().constTensor(bias->toTensor().to(DType::Float32)));
    }
    return b().op("linear", inputs, {milTensor(DType::Float32, {batch, width})})->output();
  }
  ir::Value* binary(ir::MilOpName op, ir::Value* x, ir::Value* y) {
    return b().op1(op, {{"x", x}, {"y", y}}, stateType());
  }
  ir::Value* unary(ir::MilOpName op, ir::Value* x) { return b().op1(op, {{"x", x}}, x->type()); }
  std::vector<ir::Value*> splitGates(ir::Value* x, int gates) {
    std::vector<ir::TypePtr> types(static_cast<size_t>(gates), stateType());
    ir::Node* split = b().op(
        "split", {{"x", x}, {"num_splits", b().constInt(gates)}, {"axis", b().constInt(1)}}, types);
    std::vector<ir::Value*> parts;
    for (size_t i = 0; i < split->numOutputs(); ++i) parts.push_back(split->output(i));
    return parts;
  }
};

// The [h, c] list of lstm_cell: lowered items, or a folded constant list (zero states).
std::vector<ir::Value*> lstmStates(LoweringContext& ctx, const ir::Node& node) {
  auto states = ctx.tupleItems(node.input(1));
  if (!states) {
    if (auto constant = ctx.constant(node.input(1)); constant && constant->isList()) {
      states.emplace();
      for (const IValue& item : constant->items()) {
        if (!item.isTensor()) ctx.fail(node, "hx must hold two tensors");
        states->push_back(ctx.builder().constTensor(item.toTensor()));
      }
    }
  }
  if (!states || states->size() != 2) ctx.fail(node, "needs hx as the list [h, c]");
  return {castTo(ctx, (*states)[0], DType::Float32), castTo(ctx, (*states)[1], DType::Float32)};
}

// cell(input, hx, w_ih, w_hh, b_ih?, b_hh?) -> h' (lstm_cell: (h', c'))
LoweringFn cell(CellKind kind) {
  return [kind](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = castTo(ctx, ctx.get(node.input(0)), DType::Float32);
    const Shape& shape = knownShape(ctx, node, x);
    if (shape.size() != 2) ctx.fail(node, "needs a 2-d [batch, features] input");
    auto recurrentWeight = ctx.constant(node.input(3));
    if (!recurrentWeight || !recurrentWeight->isTensor() || recurrentWeight->toTensor().rank() != 2)
      ctx.fail(node, "the cell's weights must be constants");
    const int64_t hidden = recurrentWeight->toTensor().dim(1);
    const int gates = gateCount(kind);
    CellStep step{ctx, node, shape[0], hidden};
    std::vector<ir::Value*> states =
        kind == CellKind::LSTM
            ? lstmStates(ctx, node)
            : std::vector<ir::Value*>{castTo(ctx, ctx.get(node.input(1)), DType::Float32)};
    ir::Value* h = states[0];
    ir::Value* fromInput = step.linear(x, 2, 4, gates * hidden);
    ir::Value* fromState = step.linear(h, 3, 5, gates * hidden);
    switch (kind) {
      case CellKind::LSTM: {
        std::vector<ir::Value*> g = step.splitGates(
            ctx.builder().op1("add", {{"x", fromInput}, {"y", fromState}}, fromInput->type()), 4);
        ir::Value* c =
            step.binary("add", step.binary("mul", step.unary("sigmoid", g[1]), states[1]),
                        step.binary("mul", step.unary("sigmoid", g[0]), step.unary("tanh", g[2])));
        ctx.bind(node.output(0),
                 step.binary("mul", step.unary("sigmoid", g[3]), step.unary("tanh", c)));
        ctx.bind(node.output(1), c);
        return;
      }
      case CellKind::GRU: {
        std::vector<ir::Value*> gx = step.splitGates(fromInput, 3);
        std::vector<ir::Value*> gh = step.splitGates(fromState, 3);
        ir::Value* r = step.unary("sigmoid", step.binary("add", gx[0], gh[0]));
        ir::Value* z = step.unary("sigmoid", step.binary("add", gx[1], gh[1]));
        ir::Value* n = step.unary("tanh", step.binary("add", gx[2], step.binary("mul", r, gh[2])));
        // h' = (1 - z) * n + z * h  ==  n + z * (h - n)
        ctx.bind(node.output(),
                 step.binary("add", n, step.binary("mul", z, step.binary("sub", h, n))));
        return;
      }
      case CellKind::RNNTanh:
      case CellKind::RNNRelu:
        ctx.bind(node.output(), step.unary(kind == CellKind::RNNTanh ? ir::MilOpName("tanh")
                                                                     : ir::MilOpName("relu"),
                                           step.binary("add", fromInput, fromState)));
        return;
    }
  };
}

}  // namespace

void registerRecurrentCellOps(LoweringTable& table) {
  table["aten::lstm_cell"] = cell(CellKind::LSTM);
  table["aten::gru_cell"] = cell(CellKind::GRU);
  table["aten::rnn_tanh_cell"] = cell(CellKind::RNNTanh);
  table["aten::rnn_relu_cell"] = cell(CellKind::RNNRelu);

  // Result types (aten_op_table.h).
  for (const char* name :
       {"aten::lstm_cell", "aten::gru_cell", "aten::rnn_tanh_cell", "aten::rnn_relu_cell"}) {
    table.setShapeRule(name, passes::rules::recurrentCell());
  }
}

}  // namespace ts2coreml::lower
