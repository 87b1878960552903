#include "runtime/kernels/reduce.h"

#include <cmath>
#include <limits>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

// The reduced axes split the tensor into an "outer x reduced x inner" walk when they are
// contiguous; in general we permute nothing and iterate with per-element index math: for every
// output element, visit all input elements whose non-reduced coordinates match.
struct ReductionPlan {
  Shape outShape;   // with size-1 dims on reduced axes
  Shape keptShape;  // without them (keepDims = false)
  std::vector<bool> reduced;
  int64_t reducedCount = 1;
};

ReductionPlan plan(const Shape& shape, const std::optional<std::vector<int64_t>>& axes) {
  ReductionPlan p;
  const auto rank = static_cast<int64_t>(shape.size());
  p.reduced.assign(shape.size(), !axes.has_value());
  if (axes) {
    for (int64_t axis : *axes) p.reduced[normalizeAxis(axis, rank, "reduction axis")] = true;
  }
  for (size_t i = 0; i < shape.size(); ++i) {
    p.outShape.push_back(p.reduced[i] ? 1 : shape[i]);
    if (p.reduced[i]) {
      p.reducedCount *= shape[i];
    } else {
      p.keptShape.push_back(shape[i]);
    }
  }
  return p;
}

template <typename T, typename Acc, typename Step, typename Finish>
Tensor run(const Tensor& x, const ReductionPlan& p, DType outType, Acc init, Step step,
           Finish finish) {
  Tensor in = asContiguous(x, std::is_same_v<T, float> ? DType::Float32 : DType::Int32);
  Tensor out(outType, p.outShape);
  const int64_t outCount = out.numel();
  std::vector<Acc> acc(static_cast<size_t>(outCount), init);
  // Map each input element to its output slot via broadcast strides of the output shape.
  const Shape strides[1] = {broadcastStrides(p.outShape, in.shape())};
  // broadcastStrides gives 0 on reduced (size-1) dims: exactly the output index of each element.
  const T* src = in.data<T>();
  forEachBroadcast(in.shape(), strides,
                   [&](int64_t i, const int64_t* o) { step(acc[o[0]], src[i]); });
  auto* dst = static_cast<uint8_t*>(out.mutableRawData());
  for (int64_t i = 0; i < outCount; ++i) finish(dst, i, acc[i]);
  return out;
}

}  // namespace

Tensor reduce(ReduceOp op, const Tensor& x, const std::optional<std::vector<int64_t>>& axes,
              bool keepDims) {
  ReductionPlan p = plan(x.shape(), axes);
  const double count = static_cast<double>(p.reducedCount);
  const bool integer =
      x.dtype() == DType::Int32 &&
      (op == ReduceOp::Sum || op == ReduceOp::Max || op == ReduceOp::Min || op == ReduceOp::Prod ||
       op == ReduceOp::L1Norm || op == ReduceOp::SumSquare);
  Tensor out;
  if (integer) {
    int64_t init = op == ReduceOp::Max    ? std::numeric_limits<int32_t>::min()
                   : op == ReduceOp::Min  ? std::numeric_limits<int32_t>::max()
                   : op == ReduceOp::Prod ? 1
                                          : 0;
    out = run<int32_t, int64_t>(
        x, p, DType::Int32, init,
        [op](int64_t& a, int32_t v) {
          switch (op) {
            case ReduceOp::Max:
              a = std::max<int64_t>(a, v);
              break;
            case ReduceOp::Min:
              a = std::min<int64_t>(a, v);
              break;
            case ReduceOp::Prod:
              a *= v;
              break;
            case ReduceOp::L1Norm:
              a += v < 0 ? -int64_t{v} : v;
              break;
            case ReduceOp::SumSquare:
              a += int64_t{v} * v;
              break;
            default:
              a += v;
              break;
          }
        },
        [](uint8_t* dst, int64_t i, int64_t a) {
          reinterpret_cast<int32_t*>(dst)[i] = static_cast<int32_t>(a);
        });
  } else {
    // Accumulate in double: long float32 sums would otherwise drift from the reference.
    double init = op == ReduceOp::Max    ? -std::numeric_limits<double>::infinity()
                  : op == ReduceOp::Min  ? std::numeric_limits<double>::infinity()
                  : op == ReduceOp::Prod ? 1.0
                                         : 0.0;
    if (op == ReduceOp::LogSumExp) {
      // Stable: max first, then sum of exp(x - max).
      Tensor maxima = reduce(ReduceOp::Max, x, axes, true);
      Tensor shifted = asFloat(x);
      Tensor m = asFloat(maxima);
      Tensor diff(DType::Float32, shifted.shape());
      const Shape strides[1] = {broadcastStrides(m.shape(), shifted.shape())};
      forEachBroadcast(shifted.shape(), strides, [&](int64_t i, const int64_t* o) {
        float mv = m.data<float>()[o[0]];
        diff.mutableData<float>()[i] =
            std::isinf(mv) ? 0.0f : std::exp(shifted.data<float>()[i] - mv);
      });
      Tensor sums = reduce(ReduceOp::Sum, diff, axes, true);
      out = Tensor(DType::Float32, sums.shape());
      for (int64_t i = 0; i < out.numel(); ++i) {
        float mv = m.data<float>()[i];
        out.mutableData<float>()[i] =
            (std::isinf(mv) ? 0.0f : mv) + std::log(sums.data<float>()[i]);
      }
    } else {
      out = run<float, double>(
          x, p, DType::Float32, init,
          [op](double& a, float v) {
            switch (op) {
              case ReduceOp::Max:
                a = std::max<double>(a, v);
                break;
              case ReduceOp::Min:
                a = std::min<double>(a, v);
                break;
              case ReduceOp::Prod:
                a *= v;
                break;
              case ReduceOp::L1Norm:
                a += std::fabs(v);
                break;
              case ReduceOp::L2Norm:
              case ReduceOp::SumSquare:
                a += double{v} * v;
                break;
              default:
                a += v;
                break;
            }
          },
          [op, count](uint8_t* dst, int64_t i, double a) {
            double r = a;
            if (op == ReduceOp::Mean) r = a / count;
            if (op == ReduceOp::L2Norm) r = std::sqrt(a);
            if (op == ReduceOp::LogSum) r = std::log(a);
            reinterpret_cast<float*>(dst)[i] = static_cast<float>(r);
          });
    }
  }
  return keepDims ? out : out.reshaped(p.keptShape);
}

Tensor argReduce(bool max, const Tensor& x, int64_t axis, bool keepDims) {
  const int64_t rank = x.rank();
  axis = normalizeAxis(axis, rank, "axis");
  Tensor in = asFloat(x);
  const Shape& shape = in.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= shape[i];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= shape[i];
  const int64_t n = shape[axis];
  Shape outShape = shape;
  outShape[axis] = 1;
  Tensor out(DType::Int32, outShape);
  const float* src = in.data<float>();
  int32_t* dst = out.mutableData<int32_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < inner; ++k) {
      int64_t best = 0;
      float bestValue = src[o * n * inner + k];
      for (int64_t j = 1; j < n; ++j) {
        float v = src[(o * n + j) * inner + k];
        if (max ? v > bestValue : v < bestValue) {
          best = j;
          bestValue = v;
        }
      }
      dst[o * inner + k] = static_cast<int32_t>(best);
    }
  }
  if (!keepDims) outShape.erase(outShape.begin() + axis);
  return out.reshaped(outShape);
}

}  // namespace ts2coreml::runtime::kernels
