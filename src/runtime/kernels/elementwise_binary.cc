#include "runtime/kernels/elementwise_binary.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

bool isComparison(BinaryOp op) {
  return op == BinaryOp::Equal || op == BinaryOp::NotEqual || op == BinaryOp::Less ||
         op == BinaryOp::LessEqual || op == BinaryOp::Greater || op == BinaryOp::GreaterEqual;
}
bool isLogical(BinaryOp op) {
  return op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr || op == BinaryOp::LogicalXor;
}

template <typename T>
T floorDiv(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;  // undefined in MIL; avoid a trap
    T q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
  } else {
    return std::floor(a / b);
  }
}

template <typename T>
T floorMod(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    T r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
  } else {
    T r = std::fmod(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
  }
}

template <typename T>
T arithmetic(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Add:
      return a + b;
    case BinaryOp::Sub:
      return a - b;
    case BinaryOp::Mul:
      return a * b;
    case BinaryOp::RealDiv:
      return a / b;
    case BinaryOp::FloorDiv:
      return floorDiv(a, b);
    case BinaryOp::Mod:
      return floorMod(a, b);
    case BinaryOp::Pow:
      return static_cast<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
    case BinaryOp::Maximum:
      return a > b ? a : b;
    case BinaryOp::Minimum:
      return a < b ? a : b;
    default:
      return 0;
  }
}

template <typename T>
bool compare(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Equal:
      return a == b;
    case BinaryOp::NotEqual:
      return a != b;
    case BinaryOp::Less:
      return a < b;
    case BinaryOp::LessEqual:
      return a <= b;
    case BinaryOp::Greater:
      return a > b;
    case BinaryOp::GreaterEqual:
      return a >= b;
    case BinaryOp::LogicalAnd:
      return (a != 0) && (b != 0);
    case BinaryOp::LogicalOr:
      return (a != 0) || (b != 0);
    case BinaryOp::LogicalXor:
      return (a != 0) != (b != 0);
    default:
      return false;
  }
}

// Runs `fn(a, b) -> Out` over the broadcast of x and y read as In.
template <typename In, typename Out, typename Fn>
Tensor apply(const Tensor& x, const Tensor& y, DType inType, DType outType, Fn fn) {
  Tensor a = asContiguous(x, inType), b = asContiguous(y, inType);
  Shape outShape = broadcastShapes(a.shape(), b.shape());
  Tensor out(outType, outShape);
  const In* pa = a.data<In>();
  const In* pb = b.data<In>();
  Out* po = out.mutableData<Out>();
  if (a.shape() == b.shape()) {  // the common fast path
    const int64_t n = out.numel();
    for (int64_t i = 0; i < n; ++i) po[i] = fn(pa[i], pb[i]);
    return out;
  }
  const Shape strides[2] = {broadcastStrides(a.shape(), outShape),
                            broadcastStrides(b.shape(), outShape)};
  forEachBroadcast(outShape, strides, [&](int64_t i, const int64_t* offsets) {
    po[i] = fn(pa[offsets[0]], pb[offsets[1]]);
  });
  return out;
}

}  // namespace

Tensor binary(BinaryOp op, const Tensor& x, const Tensor& y) {
  const bool integers = isIntegerLike(x.dtype()) && isIntegerLike(y.dtype());
  if (isComparison(op) || isLogical(op)) {
    if (integers) {
      return apply<int32_t, uint8_t>(
          x, y, DType::Int32, DType::Bool,
          [op](int32_t a, int32_t b) -> uint8_t { return compare(op, a, b); });
    }
    return apply<float, uint8_t>(x, y, DType::Float32, DType::Bool,
                                 [op](float a, float b) -> uint8_t { return compare(op, a, b); });
  }
  if (integers && op != BinaryOp::RealDiv) {
    return apply<int32_t, int32_t>(x, y, DType::Int32, DType::Int32, [op](int32_t a, int32_t b) {
      return static_cast<int32_t>(arithmetic<int64_t>(op, a, b));
    });
  }
  return apply<float, float>(x, y, DType::Float32, DType::Float32,
                             [op](float a, float b) { return arithmetic<float>(op, a, b); });
}

Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b) {
  const DType dtype =
      a.dtype() == b.dtype() && (a.dtype() == DType::Int32 || a.dtype() == DType::Bool)
          ? a.dtype()
          : DType::Float32;
  Tensor c = asContiguous(cond, DType::Bool);
  Tensor ta = asContiguous(a, dtype), tb = asContiguous(b, dtype);
  Shape outShape = broadcastShapes(broadcastShapes(c.shape(), ta.shape()), tb.shape());
  Tensor out(dtype, outShape);
  const Shape strides[3] = {broadcastStrides(c.shape(), outShape),
                            broadcastStrides(ta.shape(), outShape),
                            broadcastStrides(tb.shape(), outShape)};
  const uint8_t* pc = c.data<uint8_t>();
  const size_t item = elementSize(dtype);
  const auto* pa = static_cast<const uint8_t*>(ta.rawData());
  const auto* pb = static_cast<const uint8_t*>(tb.rawData());
  auto* po = static_cast<uint8_t*>(out.mutableRawData());
  forEachBroadcast(outShape, strides, [&](int64_t i, const int64_t* o) {
    const uint8_t* src = pc[o[0]] ? pa + o[1] * item : pb + o[2] * item;
    std::memcpy(po + i * item, src, item);
  });
  return out;
}

}  // namespace ts2coreml::runtime::kernels
