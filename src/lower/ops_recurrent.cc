// aten::lstm and aten::gru (multi-layer, bidirectional, batch_first) unrolled over the time
// steps, which the declared input shape fixes. Per layer and direction, the input projection of
// every step is one linear op; each step then adds the recurrent projection, splits the gates
// and updates the state with elementwise ops. Gate order follows torch: LSTM i, f, g, o and
// GRU r, z, n.
#include "lower/op_families.h"
#include "passes/shape_rules_fused.h"

namespace ts2coreml::lower {

namespace {

enum class Cell { LSTM, GRU };

struct Recurrence {
  LoweringContext& ctx;
  const ir::Node& node;
  Cell cell;
  int64_t steps, batch, hidden;
  std::vector<Tensor> params;  // per layer and direction: w_ih, w_hh, (b_ih, b_hh)
  bool hasBiases;

  MilBuilder& b() { return ctx.builder(); }
  int gates() const { return cell == Cell::LSTM ? 4 : 3; }
  ir::TypePtr type(Shape shape) { return milTensor(DType::Float32, std::move(shape)); }

  ir::Value* linear(ir::Value* x, const Tensor& weight, const Tensor* bias, Shape outShape) {
    std::vector<NamedInput> inputs{{"x", x},
                                   {"weight", b().constTensor(weight.to(DType::Float32))}};
    if (bias) inputs.emplace_back("bias", b().constTensor(bias->to(DType::Float32)));
    return b().op("linear", inputs, {type(std::move(outShape))})->output();
  }
  ir::Value* binary(ir::MilOpName op, ir::Value* x, ir::Value* y) {
    return b().op1(op, {{"x", x}, {"y", y}}, x->type());
  }
  ir::Value* unary(ir::MilOpName op, ir::Value* x) { return b().op1(op, {{"x", x}}, x->type()); }
  std::vector<ir::Value*> splitGates(ir::Value* x) {
    std::vector<ir::TypePtr> types(static_cast<size_t>(gates()), type({batch, hidden}));
    ir::Node* split =
        b().op("split",
               {{"x", x}, {"num_splits", b().constInt(gates())}, {"axis", b().constInt(1)}}, types);
    std::vector<ir::Value*> parts;
    for (size_t i = 0; i < split->numOutputs(); ++i) parts.push_back(split->output(i));
    return parts;
  }

  // Runs one direction of one layer over `input` [T, B, In]; returns the outputs per step and
  // leaves the final states in h (and c).
  std::vector<ir::Value*> run(ir::Value* input, size_t paramBase, bool reverse, ir::Value*& h,
                              ir::Value*& c) {
    const Tensor& wIh = params[paramBase];
    const Tensor& wHh = params[paramBase + 1];
    const Tensor* bIh = hasBiases ? &params[paramBase + 2] : nullptr;
    const Tensor* bHh = hasBiases ? &params[paramBase + 3] : nullptr;
    int64_t width = gates() * hidden;
    ir::Value* projected = linear(input, wIh, bIh, {steps, batch, width});
    std::vector<ir::Value*> outputs(static_cast<size_t>(steps));
    for (int64_t k = 0; k < steps; ++k) {
      int64_t t = reverse ? steps - 1 - k : k;
      ir::Value* xt = sliceAlong(ctx, projected, 0, t, t + 1, /*squeeze=*/true);
      ir::Value* ht = linear(h, wHh, bHh, {batch, width});
      if (cell == Cell::LSTM) {
        std::vector<ir::Value*> g = splitGates(binary("add", xt, ht));
        ir::Value* i = unary("sigmoid", g[0]);
        ir::Value* f = unary("sigmoid", g[1]);
        ir::Value* cand = unary("tanh", g[2]);
        ir::Value* o = unary("sigmoid", g[3]);
        c = binary("add", binary("mul", f, c), binary("mul", i, cand));
        h = binary("mul", o, unary("tanh", c));
      } else {
        std::vector<ir::Value*> gx = splitGates(xt);
        std::vector<ir::Value*> gh = splitGates(ht);
        ir::Value* r = unary("sigmoid", binary("add", gx[0], gh[0]));
        ir::Value* z = unary("sigmoid", binary("add", gx[1], gh[1]));
        ir::Value* n = unary("tanh", binary("add", gx[2], binary("mul", r, gh[2])));
        // h' = n + z * (h - n)  ==  (1 - z) * n + z * h
        h = binary("add", n, binary("mul", z, binary("sub", h, n)));
      }
      outputs[static_cast<size_t>(t)] = h;
    }
    return outputs;
  }

  ir::Value* stackSteps(const std::vector<ir::Value*>& perStep, int64_t width) {
    std::vector<NamedInput> inputs;
    for (ir::Value* v : perStep) inputs.emplace_back("values", v);
    inputs.emplace_back("axis", b().constInt(0));
    return b().op("stack", inputs, {type({steps, batch, width})})->output();
  }
};

std::vector<Tensor> constantTensors(LoweringContext& ctx, const ir::Node& node, size_t input) {
  auto value = ctx.constant(node.input(input));
  if (!value || !value->isList()) ctx.fail(node, "the weights must be constants");
  std::vector<Tensor> tensors;
  for (const IValue& item : value->items()) tensors.push_back(item.toTensor().contiguous());
  return tensors;
}

// lstm(input, hx[h0, c0], params, has_biases, num_layers, dropout, train, bidirectional,
//      batch_first) -> (output, h_n, c_n)
// gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)
//      -> (output, h_n)
LoweringFn recurrent(Cell cell) {
  return [cell](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* input = castTo(ctx, ctx.get(node.input(0)), DType::Float32);
    const auto& shape = input->type()->shape();
    if (!shape || shape->size() != 3) ctx.fail(node, "needs a 3-d input of known shape");
    bool hasBiases = ctx.constantBool(node, 3);
    int64_t layers = ctx.constantInt(node, 4);
    bool bidirectional = ctx.constantBool(node, 7);
    bool batchFirst = ctx.constantBool(node, 8);
    std::vector<Tensor> params = constantTensors(ctx, node, 2);
    int64_t directions = bidirectional ? 2 : 1;
    size_t perDirection = hasBiases ? 4 : 2;
    if (params.size() != perDirection * static_cast<size_t>(layers * directions))
      ctx.fail(node, "unexpected number of weights (projections are not supported)");
    int64_t hidden = params[1].dim(1);
    auto& b = ctx.builder();
    if (batchFirst) {
      input = b.op1("transpose", {{"x", input}, {"perm", b.constIntVector({1, 0, 2})}},
                    milTensor(DType::Float32, {(*shape)[1], (*shape)[0], (*shape)[2]}));
    }
    const Shape& tbi = *input->type()->shape();
    Recurrence rnn{ctx, node, cell, tbi[0], tbi[1], hidden, params, hasBiases};

    // Initial states: hx is [h0, c0] for LSTM, h0 for GRU; each [layers * directions, B, H].
    ir::Value* h0 = nullptr;
    ir::Value* c0 = nullptr;
    if (cell == Cell::LSTM) {
      auto states = ctx.tupleItems(node.input(1));
      if (!states) {  // both states constant: the list was folded
        if (auto constant = ctx.constant(node.input(1)); constant && constant->isList()) {
          states.emplace();
          for (const IValue& item : constant->items())
            states->push_back(ctx.builder().constTensor(item.toTensor()));
        }
      }
      if (!states || states->size() != 2) ctx.fail(node, "needs the [h0, c0] list");
      h0 = castTo(ctx, (*states)[0], DType::Float32);
      c0 = castTo(ctx, (*states)[1], DType::Float32);
    } else {
      h0 = castTo(ctx, ctx.get(node.input(1)), DType::Float32);
    }
    std::vector<ir::Value*> finalH, finalC;
    ir::Value* layerInput = input;
    for (int64_t layer = 0; layer < layers; ++layer) {
      std::vector<ir::Value*> directionOutputs;
      for (int64_t d = 0; d < directions; ++d) {
        int64_t index = layer * directions + d;
        ir::Value* h = sliceAlong(ctx, h0, 0, index, index + 1, true);
        ir::Value* c = c0 ? sliceAlong(ctx, c0, 0, index, index + 1, true) : nullptr;
        auto steps = rnn.run(layerInput, static_cast<size_t>(index) * perDirection, d == 1, h, c);
        directionOutputs.push_back(rnn.stackSteps(steps, hidden));
        finalH.push_back(h);
        if (c) finalC.push_back(c);
      }
      if (directions == 1) {
        layerInput = directionOutputs[0];
      } else {
        layerInput = b.op("concat",
                          {{"values", directionOutputs[0]},
                           {"values", directionOutputs[1]},
                           {"axis", b.constInt(2)},
                           {"interleave", b.constBool(false)}},
                          {milTensor(DType::Float32, {rnn.steps, rnn.batch, 2 * hidden})})
                         ->output();
      }
    }
    ir::Value* output = layerInput;
    if (batchFirst) {
      output = b.op1("transpose", {{"x", output}, {"perm", b.constIntVector({1, 0, 2})}},
                     milTensor(DType::Float32, {rnn.batch, rnn.steps, directions * hidden}));
    }
    auto stackStates = [&](const std::vector<ir::Value*>& states) {
      std::vector<NamedInput> inputs;
      for (ir::Value* v : states) inputs.emplace_back("values", v);
      inputs.emplace_back("axis", b.constInt(0));
      return b
          .op("stack", inputs,
              {milTensor(DType::Float32, {static_cast<int64_t>(states.size()), rnn.batch, hidden})})
          ->output();
    };
    ctx.bind(node.output(0), output);
    ctx.bind(node.output(1), stackStates(finalH));
    if (cell == Cell::LSTM) ctx.bind(node.output(2), stackStates(finalC));
  };
}

}  // namespace

void registerRecurrentOps(LoweringTable& table) {
  table["aten::lstm"] = recurrent(Cell::LSTM);
  table["aten::gru"] = recurrent(Cell::GRU);

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::lstm", passes::rules::recurrentLayer());
  table.setShapeRule("aten::gru", passes::rules::recurrentLayer());
}

}  // namespace ts2coreml::lower
