// Elementwise layers with two or more inputs (or one input and an alpha): arithmetic,
// comparisons (1.0 / 0.0 results), logic (0.0 is false) and whereBroadcastable. The kernels
// broadcast like numpy; bool results become 1.0 / 0.0 blobs in LayerIO::setOutput.
#include "runtime/kernels/elementwise_binary.h"
#include "runtime/kernels/elementwise_unary.h"
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

using kernels::BinaryOp;

namespace {

Tensor scalarBlob(float value) {
  return Tensor::scalar(DType::Float32, value).reshaped({1});
}

void binary(LayerIO& io, BinaryOp op) {
  if (io.numInputs() != 2) io.fail("needs 2 inputs, has " + std::to_string(io.numInputs()));
  io.setOutput(0, kernels::binary(op, io.input(0), io.input(1)));
}

// One input compares with alpha; two inputs compare with each other.
void comparison(LayerIO& io, BinaryOp op, float alpha) {
  if (io.numInputs() == 1) {
    io.setOutput(0, kernels::binary(op, io.input(0), scalarBlob(alpha)));
  } else {
    binary(io, op);
  }
}

// The old add / multiply layers: one input combines with alpha; several inputs with each other.
void accumulate(LayerIO& io, BinaryOp op, float alpha) {
  if (io.numInputs() == 1) {
    io.setOutput(0, kernels::binary(op, io.input(0), scalarBlob(alpha)));
    return;
  }
  Tensor acc = io.input(0);
  for (size_t i = 1; i < io.numInputs(); ++i) acc = kernels::binary(op, acc, io.input(i));
  io.setOutput(0, acc);
}

}  // namespace

void runAdd(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  accumulate(io, BinaryOp::Add, layer.add().alpha());
}
void runMultiply(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  accumulate(io, BinaryOp::Mul, layer.multiply().alpha());
}

void runAddBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Add);
}
void runSubtractBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Sub);
}
void runMultiplyBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Mul);
}
void runDivideBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::RealDiv);
}
void runFloorDivBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::FloorDiv);
}
void runModBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Mod);
}
void runPowBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Pow);
}
void runMaxBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Maximum);
}
void runMinBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::Minimum);
}

void runEqual(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  comparison(io, BinaryOp::Equal, layer.equal().alpha());
}
void runNotEqual(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  comparison(io, BinaryOp::NotEqual, layer.notequal().alpha());
}
void runLessThan(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  comparison(io, BinaryOp::Less, layer.lessthan().alpha());
}
void runLessEqual(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  comparison(io, BinaryOp::LessEqual, layer.lessequal().alpha());
}
void runGreaterThan(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  comparison(io, BinaryOp::Greater, layer.greaterthan().alpha());
}
void runGreaterEqual(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  comparison(io, BinaryOp::GreaterEqual, layer.greaterequal().alpha());
}

void runLogicalAnd(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::LogicalAnd);
}
void runLogicalOr(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::LogicalOr);
}
void runLogicalXor(LayerIO& io, const spec::NeuralNetworkLayer&) {
  binary(io, BinaryOp::LogicalXor);
}
void runLogicalNot(LayerIO& io, const spec::NeuralNetworkLayer&) {
  io.setOutput(0, kernels::unary(kernels::UnaryOp::LogicalNot, io.input(0)));
}

void runWhereBroadcastable(LayerIO& io, const spec::NeuralNetworkLayer&) {
  if (io.numInputs() != 3) io.fail("needs 3 inputs (condition, true values, false values)");
  io.setOutput(0, kernels::select(io.input(0), io.input(1), io.input(2)));
}

}  // namespace ts2coreml::runtime::nn
