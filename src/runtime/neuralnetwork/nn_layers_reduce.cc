// The ND reduce layers (axes / keepDims / reduceAll) and argMax / argMin.
#include "runtime/kernels/reduce.h"
#include "runtime/kernels/sort.h"
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

namespace {

using kernels::ReduceOp;

template <typename Params>
void reduceWith(LayerIO& io, const Params& p, ReduceOp op) {
  std::optional<std::vector<int64_t>> axes;  // nullopt: every axis
  if (!p.reduceall()) {
    if (p.axes_size() == 0) io.fail("reduce without axes and without reduceAll");
    axes = std::vector<int64_t>(p.axes().begin(), p.axes().end());
  }
  io.setOutput(0, kernels::reduce(op, io.input(0), axes, p.keepdims()));
}

}  // namespace

void runReduceSum(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducesum(), ReduceOp::Sum);
}
void runReduceMean(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducemean(), ReduceOp::Mean);
}
void runReduceMax(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducemax(), ReduceOp::Max);
}
void runReduceMin(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducemin(), ReduceOp::Min);
}
void runReduceProd(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reduceprod(), ReduceOp::Prod);
}
void runReduceL1(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducel1(), ReduceOp::L1Norm);
}
void runReduceL2(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducel2(), ReduceOp::L2Norm);
}
void runReduceLogSum(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducelogsum(), ReduceOp::LogSum);
}
void runReduceLogSumExp(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducelogsumexp(), ReduceOp::LogSumExp);
}
void runReduceSumSquare(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  reduceWith(io, l.reducesumsquare(), ReduceOp::SumSquare);
}

void runArgMax(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  io.setOutput(0,
               kernels::argReduce(true, io.input(0), l.argmax().axis(), !l.argmax().removedim()));
}
void runArgMin(LayerIO& io, const spec::NeuralNetworkLayer& l) {
  io.setOutput(0,
               kernels::argReduce(false, io.input(0), l.argmin().axis(), !l.argmin().removedim()));
}

void runTopK(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.topk();
  auto [values, indices] =
      kernels::topk(io.input(0), static_cast<int64_t>(p.k()), p.axis(), p.usebottomk());
  io.setOutput(0, std::move(values));
  io.setOutput(1, std::move(indices));
}

}  // namespace ts2coreml::runtime::nn
