#include "runtime/kernels/pool.h"

#include <cmath>
#include <limits>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

bool advance(std::vector<int64_t>& index, const Shape& shape) {
  for (size_t d = shape.size(); d-- > 0;) {
    if (++index[d] < shape[d]) return true;
    index[d] = 0;
  }
  return false;
}

}  // namespace

Tensor pool(PoolOp op, const Tensor& x, const PoolParams& p) {
  if (x.rank() < 3 || x.rank() > 5)
    throw Error("pooling needs x of rank 3..5, got " + shapeToString(x.shape()));
  const size_t spatial = static_cast<size_t>(x.rank() - 2);
  if (p.kernel.size() != spatial || p.strides.size() != spatial ||
      p.padding.before.size() != spatial || p.padding.after.size() != spatial) {
    throw Error("pooling kernel_sizes/strides/pad need one entry per spatial dim (" +
                std::to_string(spatial) + ")");
  }
  Tensor in = asFloat(x);
  Shape inDims(in.shape().begin() + 2, in.shape().end()), outDims;
  for (size_t d = 0; d < spatial; ++d) {
    const int64_t span = inDims[d] + p.padding.before[d] + p.padding.after[d] - p.kernel[d];
    if (span < 0)
      throw Error("pooling window " + shapeToString(p.kernel) + " is larger than the padded input");
    int64_t out = (p.ceilMode ? (span + p.strides[d] - 1) / p.strides[d] : span / p.strides[d]) + 1;
    if (p.ceilMode && (out - 1) * p.strides[d] >= inDims[d] + p.padding.before[d]) --out;
    outDims.push_back(out);
  }
  const int64_t planes = in.dim(0) * in.dim(1);
  const int64_t inSize = shapeNumel(inDims), outSize = shapeNumel(outDims);
  Shape outShape{in.dim(0), in.dim(1)};
  outShape.insert(outShape.end(), outDims.begin(), outDims.end());
  Tensor out(DType::Float32, outShape);
  const Shape inStrides = contiguousStrides(inDims);
  const Shape kernelShape(p.kernel.begin(), p.kernel.end());
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* src = in.data<float>() + plane * inSize;
    float* dst = out.mutableData<float>() + plane * outSize;
    std::vector<int64_t> pos(spatial, 0);
    int64_t o = 0;
    do {
      double acc = op == PoolOp::Max ? -std::numeric_limits<double>::infinity() : 0.0;
      int64_t inside = 0, padded = 0;
      std::vector<int64_t> tap(spatial, 0);
      do {
        int64_t offset = 0;
        bool valid = true, inPadded = true;
        for (size_t d = 0; d < spatial; ++d) {
          const int64_t c = pos[d] * p.strides[d] - p.padding.before[d] + tap[d];
          valid &= c >= 0 && c < inDims[d];
          inPadded &= c >= -p.padding.before[d] && c < inDims[d] + p.padding.after[d];
          offset += c * inStrides[d];
        }
        padded += inPadded;
        if (!valid) continue;
        ++inside;
        const float v = src[offset];
        if (op == PoolOp::Max) {
          acc = std::max<double>(acc, v);
        } else if (op == PoolOp::L2) {
          acc += double{v} * v;
        } else {
          acc += v;
        }
      } while (advance(tap, kernelShape));
      double result = acc;
      if (op == PoolOp::Average) {
        const int64_t count = p.excludePaddingFromAverage ? inside : padded;
        result = count > 0 ? acc / static_cast<double>(count) : 0.0;
      } else if (op == PoolOp::L2) {
        result = std::sqrt(acc);
      }
      dst[o++] = static_cast<float>(result);
    } while (advance(pos, outDims));
  }
  return out;
}

}  // namespace ts2coreml::runtime::kernels
