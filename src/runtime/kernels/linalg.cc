#include "runtime/kernels/linalg.h"

#include <Eigen/Core>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <typename T>
void batchedProduct(const Tensor& a, const Tensor& b, Tensor& out, const Shape& batchShape,
                    int64_t m, int64_t k, int64_t n, bool ta, bool tb) {
  // Batch offsets of each operand via broadcast strides over the batch dims (in matrices).
  Shape aBatch(a.shape().begin(), a.shape().end() - 2),
      bBatch(b.shape().begin(), b.shape().end() - 2);
  const Shape strides[2] = {broadcastStrides(aBatch, batchShape),
                            broadcastStrides(bBatch, batchShape)};
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out.mutableData<T>();
  const int64_t aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
  forEachBroadcast(batchShape, strides, [&](int64_t i, const int64_t* o) {
    Eigen::Map<const RowMatrix<T>> ma(pa + o[0] * m * k, aRows, aCols);
    Eigen::Map<const RowMatrix<T>> mb(pb + o[1] * k * n, bRows, bCols);
    Eigen::Map<RowMatrix<T>> mo(po + i * m * n, m, n);
    if (ta && tb) {
      mo.noalias() = ma.transpose() * mb.transpose();
    } else if (ta) {
      mo.noalias() = ma.transpose() * mb;
    } else if (tb) {
      mo.noalias() = ma * mb.transpose();
    } else {
      mo.noalias() = ma * mb;
    }
  });
}

}  // namespace

Tensor matmul(const Tensor& x, const Tensor& y, bool transposeX, bool transposeY) {
  const bool integers = x.dtype() == DType::Int32 && y.dtype() == DType::Int32;
  const DType dtype = integers ? DType::Int32 : DType::Float32;
  Tensor a = asContiguous(x, dtype), b = asContiguous(y, dtype);
  const bool xVector = a.rank() == 1, yVector = b.rank() == 1;
  if (a.rank() == 0 || b.rank() == 0) throw Error("matmul operands must have rank >= 1");
  // A 1-D operand is a row (x) or column (y) vector; transposing a vector changes nothing.
  if (xVector) {
    a = a.reshaped({1, a.dim(0)});
    transposeX = false;
  }
  if (yVector) {
    b = b.reshaped({b.dim(0), 1});
    transposeY = false;
  }
  const int64_t m = transposeX ? a.dim(-1) : a.dim(-2);
  const int64_t k = transposeX ? a.dim(-2) : a.dim(-1);
  const int64_t kb = transposeY ? b.dim(-1) : b.dim(-2);
  const int64_t n = transposeY ? b.dim(-2) : b.dim(-1);
  if (k != kb) {
    throw Error("matmul inner dimensions differ: " + shapeToString(x.shape()) + " and " +
                shapeToString(y.shape()) + " (transpose_x=" + (transposeX ? "true" : "false") +
                ", transpose_y=" + (transposeY ? "true" : "false") + ")");
  }
  Shape batch = broadcastShapes(Shape(a.shape().begin(), a.shape().end() - 2),
                                Shape(b.shape().begin(), b.shape().end() - 2));
  Shape outShape = batch;
  outShape.push_back(m);
  outShape.push_back(n);
  Tensor out(dtype, outShape);
  if (integers) {
    batchedProduct<int32_t>(a, b, out, batch, m, k, n, transposeX, transposeY);
  } else {
    batchedProduct<float>(a, b, out, batch, m, k, n, transposeX, transposeY);
  }
  Shape finalShape = batch;
  if (!xVector) finalShape.push_back(m);
  if (!yVector) finalShape.push_back(n);
  return out.reshaped(finalShape);
}

Tensor linear(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias) {
  if (weight.rank() != 2 || x.rank() < 1 || x.dim(-1) != weight.dim(1)) {
    throw Error("linear weight " + shapeToString(weight.shape()) + " does not fit x " +
                shapeToString(x.shape()));
  }
  Tensor a = asFloat(x), w = asFloat(weight);
  const int64_t din = w.dim(1), dout = w.dim(0);
  const int64_t rows = a.numel() / std::max<int64_t>(din, 1);
  Shape outShape = a.shape();
  outShape.back() = dout;
  Tensor out(DType::Float32, outShape);
  Eigen::Map<const RowMatrix<float>> ma(a.data<float>(), rows, din);
  Eigen::Map<const RowMatrix<float>> mw(w.data<float>(), dout, din);
  Eigen::Map<RowMatrix<float>> mo(out.mutableData<float>(), rows, dout);
  mo.noalias() = ma * mw.transpose();
  if (bias) {
    Tensor b = asFloat(*bias);
    if (b.numel() != dout)
      throw Error("linear bias has " + std::to_string(b.numel()) + " values, expected " +
                  std::to_string(dout));
    Eigen::Map<const Eigen::RowVectorXf> mb(b.data<float>(), dout);
    mo.rowwise() += mb;
  }
  return out;
}

}  // namespace ts2coreml::runtime::kernels
