#include "runtime/kernels/kernel_utils.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace ts2coreml::runtime::kernels {

Tensor asFloat(const Tensor& t) {
  return asContiguous(t, DType::Float32);
}

Tensor asContiguous(const Tensor& t, DType dtype) {
  Tensor converted = t.to(dtype);
  return converted.contiguous();
}

bool isIntegerLike(DType dtype) {
  return isIntegral(dtype) || dtype == DType::Bool;
}

std::vector<int64_t> toInt64s(const Tensor& t) {
  std::vector<int64_t> values(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double value = t.elementAsDouble(i);
    // Found by fuzz_mlpackage: a NaN (or huge float) read as a shape or index was undefined
    // behaviour in the conversion.
    if (!(value >= -9.2e18 && value <= 9.2e18)) {
      throw Error("a value used as an integer (shape, index or count) is " +
                  std::string(std::isnan(value) ? "NaN" : "out of the int64 range"));
    }
    values[i] = static_cast<int64_t>(value);
  }
  return values;
}

std::vector<double> toDoubles(const Tensor& t) {
  std::vector<double> values(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) values[i] = t.elementAsDouble(i);
  return values;
}

int64_t normalizeAxis(int64_t axis, int64_t rank, const std::string& what) {
  if (axis < -rank || axis >= rank) {
    throw Error(what + " " + std::to_string(axis) + " is out of range for rank " +
                std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

Shape broadcastShapes(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw Error("shapes " + shapeToString(a) + " and " + shapeToString(b) + " do not broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape broadcastStrides(const Shape& shape, const Shape& outShape) {
  Shape strides(outShape.size(), 0);
  Shape own = contiguousStrides(shape);
  const size_t lead = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) {
    strides[lead + i] = shape[i] == 1 ? 0 : own[i];
  }
  return strides;
}

}  // namespace ts2coreml::runtime::kernels
