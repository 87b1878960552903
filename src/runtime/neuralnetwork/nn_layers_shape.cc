// Constants, shapes and data movement: loadConstantND, reshape*, transpose, concatND, stack,
// splitND, expandDims, squeeze, sliceStatic, gather, scatterAlongAxis, tile, getShape, fill*,
// range*, flattenTo2D.
#include <cmath>
#include <map>
#include <string>

#include "runtime/kernels/index.h"
#include "runtime/kernels/kernel_utils.h"
#include "runtime/kernels/shape.h"
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

namespace {

std::vector<Tensor> allInputs(LayerIO& io) {
  std::vector<Tensor> values;
  for (size_t i = 0; i < io.numInputs(); ++i) values.push_back(io.input(i));
  return values;
}

// A shape carried by a blob (float values) as integers.
std::vector<int64_t> shapeFromValues(const Tensor& values) {
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < values.numel(); ++i)
    dims.push_back(std::llround(values.elementAsDouble(i)));
  return dims;
}

Tensor scalarBlob(float value) {
  return Tensor::scalar(DType::Float32, value).reshaped({1});
}

}  // namespace

void runLoadConstantND(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.loadconstantnd();
  Shape shape(p.shape().begin(), p.shape().end());
  if (shape.empty()) io.fail("loadConstantND without a shape");
  io.setOutput(0, io.weights(p.data(), shapeNumel(shape), "data").reshaped(shape));
}

void runReshapeStatic(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& t = layer.reshapestatic().targetshape();
  io.setOutput(0, kernels::reshape(io.input(0), std::vector<int64_t>(t.begin(), t.end())));
}

void runReshapeDynamic(LayerIO& io, const spec::NeuralNetworkLayer&) {
  io.setOutput(0, kernels::reshape(io.input(0), shapeFromValues(io.input(1))));
}

void runTranspose(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& a = layer.transpose().axes();
  io.setOutput(0, kernels::transpose(io.input(0), std::vector<int64_t>(a.begin(), a.end())));
}

void runConcatND(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(
      0, kernels::concat(allInputs(io), layer.concatnd().axis(), layer.concatnd().interleave()));
}

void runStack(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(0, kernels::stack(allInputs(io), layer.stack().axis()));
}

// splitSizes, or numSplits (default: one part per output) equal parts.
void runSplitND(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.splitnd();
  const Tensor& x = io.input(0);
  const int64_t axis = kernels::normalizeAxis(p.axis(), x.rank());
  std::vector<int64_t> sizes(p.splitsizes().begin(), p.splitsizes().end());
  if (sizes.empty()) {
    int64_t n = p.numsplits() ? static_cast<int64_t>(p.numsplits()) : layer.output_size();
    if (n <= 0 || x.dim(axis) % n != 0) {
      io.fail("cannot split " + std::to_string(x.dim(axis)) + " into " + std::to_string(n) +
              " equal parts");
    }
    sizes.assign(static_cast<size_t>(n), x.dim(axis) / n);
  }
  if (static_cast<int>(sizes.size()) != layer.output_size())
    io.fail("number of splits differs from the number of outputs");
  std::vector<Tensor> parts = kernels::split(x, sizes, axis);
  for (size_t i = 0; i < parts.size(); ++i) io.setOutput(i, parts[i]);
}

void runExpandDims(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& a = layer.expanddims().axes();
  io.setOutput(0, kernels::expandDims(io.input(0), std::vector<int64_t>(a.begin(), a.end())));
}

void runSqueeze(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.squeeze();
  std::optional<std::vector<int64_t>> axes;
  if (!p.squeezeall()) axes = std::vector<int64_t>(p.axes().begin(), p.axes().end());
  io.setOutput(0, kernels::squeeze(io.input(0), axes));  // a rank-0 result becomes [1]
}

void runSliceStatic(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.slicestatic();
  kernels::SliceSpec spec;
  spec.begin.assign(p.beginids().begin(), p.beginids().end());
  spec.end.assign(p.endids().begin(), p.endids().end());
  spec.stride.assign(p.strides().begin(), p.strides().end());
  spec.beginMask.assign(p.beginmasks().begin(), p.beginmasks().end());
  spec.endMask.assign(p.endmasks().begin(), p.endmasks().end());
  spec.squeezeMask.assign(p.squeezemasks().begin(), p.squeezemasks().end());
  if (static_cast<int64_t>(spec.begin.size()) != io.input(0).rank())
    io.fail("slice needs one begin index per axis");
  io.setOutput(0, kernels::sliceByIndex(io.input(0), spec));
}

void runGather(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(0,
               kernels::gather(io.input(0), io.input(1).to(DType::Int32), layer.gather().axis()));
}

void runGatherAlongAxis(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(0, kernels::gatherAlongAxis(io.input(0), io.input(1).to(DType::Int32),
                                           layer.gatheralongaxis().axis()));
}

void runScatterAlongAxis(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& params = layer.scatteralongaxis();
  using M = kernels::ScatterMode;
  static const std::map<int, M> kModes = {
      {spec::SCATTER_UPDATE, M::Update}, {spec::SCATTER_ADD, M::Add}, {spec::SCATTER_SUB, M::Sub},
      {spec::SCATTER_MUL, M::Mul},       {spec::SCATTER_DIV, M::Div}, {spec::SCATTER_MAX, M::Max},
      {spec::SCATTER_MIN, M::Min}};
  auto mode = kModes.find(params.mode());
  if (mode == kModes.end()) io.fail("unknown scatter mode " + std::to_string(params.mode()));
  io.setOutput(0, kernels::scatterAlongAxis(io.input(0), io.input(1).to(DType::Int32), io.input(2),
                                            params.axis(), mode->second));
}

void runTile(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& r = layer.tile().reps();
  io.setOutput(0, kernels::tile(io.input(0), std::vector<int64_t>(r.begin(), r.end())));
}

void runGetShape(LayerIO& io, const spec::NeuralNetworkLayer&) {
  io.setOutput(0, kernels::shapeOf(io.input(0)));
}

void runFillStatic(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& t = layer.fillstatic().targetshape();
  io.setOutput(0, kernels::fill(std::vector<int64_t>(t.begin(), t.end()),
                                layer.fillstatic().value(), DType::Float32));
}

void runFillDynamic(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(
      0, kernels::fill(shapeFromValues(io.input(0)), layer.filldynamic().value(), DType::Float32));
}

void runFillLike(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  io.setOutput(0, kernels::fill(io.input(0).shape(), layer.filllike().value(), DType::Float32));
}

void runRangeStatic(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.rangestatic();
  io.setOutput(0, kernels::range1d(scalarBlob(p.endvalue()), scalarBlob(p.startvalue()),
                                   scalarBlob(p.stepsizevalue())));
}

// Inputs: end, then optionally start and step (else the params' values).
void runRangeDynamic(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.rangedynamic();
  Tensor start = io.numInputs() > 1 ? io.input(1) : scalarBlob(p.startvalue());
  Tensor step = io.numInputs() > 2 ? io.input(2) : scalarBlob(p.stepsizevalue());
  io.setOutput(0, kernels::range1d(io.input(0), start, step));
}

void runFlattenTo2D(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const Tensor& x = io.input(0);
  int64_t axis = layer.flattento2d().axis();
  if (axis < 0) axis += x.rank();
  if (axis < 0 || axis > x.rank()) io.fail("flatten axis out of range");
  int64_t lead = 1;
  for (int64_t i = 0; i < axis; ++i) lead *= x.dim(i);
  io.setOutput(0, x.contiguous().reshaped({lead, lead ? x.numel() / lead : 0}));
}

}  // namespace ts2coreml::runtime::nn
