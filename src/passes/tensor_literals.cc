#include "passes/tensor_literals.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/tensor.h"

namespace ts2coreml::passes {

namespace {

struct Flattened {
  Shape shape;
  std::vector<double> values;
  bool anyFloat = false;
  bool allBool = true;
};

// Walks nested lists depth-first; every list at one depth must have the same length.
bool flatten(const IValue& data, size_t depth, Flattened& out) {
  if (data.isList() || data.isTuple()) {
    const auto& items = data.items();
    if (out.shape.size() == depth) {
      out.shape.push_back(static_cast<int64_t>(items.size()));
    } else if (out.shape[depth] != static_cast<int64_t>(items.size())) {
      throw Error("torch.tensor(): nested lists have different lengths");
    }
    for (const IValue& item : items) {
      if (!flatten(item, depth + 1, out)) return false;
    }
    return true;
  }
  if (depth != out.shape.size()) throw Error("torch.tensor(): nested lists have different depths");
  if (data.isBool()) {
    out.values.push_back(data.toBool() ? 1.0 : 0.0);
    return true;
  }
  out.allBool = false;
  if (data.isInt()) {
    out.values.push_back(static_cast<double>(data.toInt()));
    return true;
  }
  if (data.isDouble()) {
    out.anyFloat = true;
    out.values.push_back(data.toDouble());
    return true;
  }
  return false;
}

bool isNumeric(const IValue& v) {
  return v.isInt() || v.isDouble();
}

// linspace(start, end, steps, dtype, ...) / logspace(start, end, steps, base, dtype, ...) with
// constant numbers: a constant float32 tensor (the default dtype; other dtypes stay ops).
std::optional<IValue> evaluateSpacedRange(const std::string& kind,
                                          const std::vector<IValue>& args) {
  bool log = kind == "aten::logspace";
  if (args.size() < 3 || !isNumeric(args[0]) || !isNumeric(args[1]) || !args[2].isInt())
    return std::nullopt;
  size_t dtypeIndex = log ? 4 : 3;
  if (args.size() > dtypeIndex && !args[dtypeIndex].isNone()) return std::nullopt;
  double base = 10.0;
  if (log && args.size() > 3) {
    if (!isNumeric(args[3])) return std::nullopt;
    base = args[3].toNumber();
  }
  int64_t steps = args[2].toInt();
  if (steps < 0) throw Error(kind + ": number of steps must be non-negative");
  Tensor tensor(DType::Float32, Shape{steps});
  double start = args[0].toNumber(), end = args[1].toNumber();
  float* out = tensor.mutableData<float>();
  for (int64_t i = 0; i < steps; ++i) {
    double t = steps == 1 ? start : start + (end - start) * static_cast<double>(i) / (steps - 1);
    out[i] = static_cast<float>(log ? std::pow(base, t) : t);
  }
  return IValue(std::move(tensor));
}

}  // namespace

// Arithmetic on rank-0 constant tensors (traced code computes sizes this way:
// floor_divide(NumToTensor(48), CONSTANTS.c0)).
std::optional<IValue> evaluateScalarTensorArithmetic(const std::string& kind,
                                                     const std::vector<IValue>& args) {
  static const char* const kinds[] = {"aten::add",       "aten::sub", "aten::rsub",
                                      "aten::mul",       "aten::div", "aten::floor_divide",
                                      "aten::remainder", "aten::pow"};
  if (std::find(std::begin(kinds), std::end(kinds), kind) == std::end(kinds) || args.size() < 2)
    return std::nullopt;
  double v[2];
  bool anyFloat = false;
  DType floatType = DType::Float32;
  for (int i = 0; i < 2; ++i) {
    if (args[i].isTensor()) {
      const Tensor& t = args[i].toTensor();
      if (t.rank() != 0) return std::nullopt;
      v[i] = t.elementAsDouble(0);
      if (isFloatingPoint(t.dtype())) {
        anyFloat = true;
        floatType = t.dtype();
      }
    } else if (args[i].isInt() || args[i].isDouble()) {
      v[i] = args[i].toNumber();
      anyFloat |= args[i].isDouble();
    } else {
      return std::nullopt;
    }
  }
  if (args.size() > 2 && kind != "aten::add" && kind != "aten::sub" && kind != "aten::rsub")
    return std::nullopt;
  double alpha =
      args.size() > 2 && (args[2].isInt() || args[2].isDouble()) ? args[2].toNumber() : 1.0;
  double r;
  if (kind == "aten::add") {
    r = v[0] + alpha * v[1];
  } else if (kind == "aten::sub") {
    r = v[0] - alpha * v[1];
  } else if (kind == "aten::rsub") {
    r = v[1] - alpha * v[0];
  } else if (kind == "aten::mul") {
    r = v[0] * v[1];
  } else if (kind == "aten::pow") {
    r = std::pow(v[0], v[1]);
    if (!std::isfinite(r)) return std::nullopt;
  } else if (kind == "aten::div") {
    r = v[0] / v[1];
    anyFloat = true;
  } else {
    if (v[1] == 0) return std::nullopt;
    double q = std::floor(v[0] / v[1]);
    r = kind == "aten::floor_divide" ? q : v[0] - q * v[1];
  }
  return IValue(Tensor::scalar(anyFloat ? floatType : DType::Int64, r));
}

// neg/abs/floor/ceil/sqrt of a rank-0 constant tensor, and to(dtype) of one (traced code
// computes sizes so: int(torch.neg(NumToTensor(size))), torch.to(torch.pow(n, 0.5), 4)).
std::optional<IValue> evaluateScalarTensorUnary(const std::string& kind,
                                                const std::vector<IValue>& args) {
  if (args.empty() || !args[0].isTensor() || args[0].toTensor().rank() != 0) return std::nullopt;
  const Tensor& t = args[0].toTensor();
  const double v = t.elementAsDouble(0);
  const DType dtype = t.dtype();
  if (kind == "aten::to" && args.size() >= 2 && args[1].isInt()) {
    auto target = dtypeFromTorchScalarType(args[1].toInt());
    if (!target || (*target != DType::Int64 && *target != DType::Int32 &&
                    *target != DType::Float32 && *target != DType::Float64))
      return std::nullopt;
    return IValue(Tensor::scalar(*target, isFloatingPoint(*target) ? v : std::trunc(v)));
  }
  if (args.size() != 1) return std::nullopt;
  if (kind == "aten::neg") return IValue(Tensor::scalar(dtype, -v));
  // to(dtype) of a scalar: torch.to(x, 4) turns a traced size computation back into an int.
  if (kind == "aten::abs") return IValue(Tensor::scalar(dtype, std::fabs(v)));
  if (kind == "aten::floor") return IValue(Tensor::scalar(dtype, std::floor(v)));
  if (kind == "aten::ceil") return IValue(Tensor::scalar(dtype, std::ceil(v)));
  if (kind == "aten::sqrt" && v >= 0)
    return IValue(Tensor::scalar(isFloatingPoint(dtype) ? dtype : DType::Float32, std::sqrt(v)));
  return std::nullopt;
}

// Small constant tensors in traced size code (transformers' swin:
// torch.min(torch.tensor(input_resolution)) records to(CONSTANTS.c4, device, 4), detach, min):
// dtype conversions, copies and whole-tensor min/max/sum, up to kMaxFoldedElements elements;
// larger ones are left to the constant evaluation after lowering.
std::optional<IValue> evaluateSmallTensorOp(const std::string& kind,
                                            const std::vector<IValue>& args) {
  constexpr int64_t kMaxFoldedElements = 4096;
  if (args.empty() || !args[0].isTensor()) return std::nullopt;
  const Tensor& t = args[0].toTensor();
  if (t.numel() > kMaxFoldedElements) return std::nullopt;
  // Constants are never written, so a copy of one can share its data.
  if (kind == "aten::detach" || kind == "aten::clone" || kind == "aten::contiguous") return args[0];
  if (kind == "aten::to") {
    // to(self, dtype, ...), to(self, device, dtype, ...), to(self, device?, dtype?, ...).
    size_t at = args.size() > 1 && args[1].isDevice() ? 2 : 1;
    if (args.size() <= at || !args[at].isInt()) return std::nullopt;
    auto target = dtypeFromTorchScalarType(args[at].toInt());
    if (!target) return std::nullopt;
    return IValue(t.to(*target));
  }
  const bool extremum = kind == "aten::min" || kind == "aten::max";
  if ((extremum || kind == "aten::sum") && args.size() == 1 && t.numel() > 0) {
    double result = kind == "aten::sum" ? 0.0 : t.elementAsDouble(0);
    for (int64_t i = 0; i < t.numel(); ++i) {
      double v = t.elementAsDouble(i);
      if (kind == "aten::sum") result += v;
      if (kind == "aten::min") result = std::min(result, v);
      if (kind == "aten::max") result = std::max(result, v);
    }
    // sum() of integers or bools is int64, like torch's.
    DType dtype = kind == "aten::sum" && !isFloatingPoint(t.dtype()) ? DType::Int64 : t.dtype();
    return IValue(Tensor::scalar(dtype, result));
  }
  return std::nullopt;
}

std::optional<IValue> evaluateTensorToNumber(const std::string& kind,
                                             const std::vector<IValue>& args) {
  if (auto arithmetic = evaluateScalarTensorArithmetic(kind, args)) return arithmetic;
  if (auto unary = evaluateScalarTensorUnary(kind, args)) return unary;
  if (auto small = evaluateSmallTensorOp(kind, args)) return small;
  static const char* const kinds[] = {
      "aten::Int",         "aten::Float",         "aten::Bool",          "aten::item",
      "aten::IntImplicit", "aten::FloatImplicit", "aten::ScalarImplicit"};
  if (args.size() != 1 || !args[0].isTensor() || args[0].toTensor().numel() != 1)
    return std::nullopt;
  if (std::find(std::begin(kinds), std::end(kinds), kind) == std::end(kinds)) return std::nullopt;
  const Tensor& t = args[0].toTensor();
  double v = t.elementAsDouble(0);
  if (kind == "aten::Bool") return IValue(v != 0.0);
  if (kind == "aten::Int" || kind == "aten::IntImplicit") return IValue(static_cast<int64_t>(v));
  if (kind == "aten::Float" || kind == "aten::FloatImplicit") return IValue(v);
  // item() / ScalarImplicit keep the tensor's kind of number.
  if (t.dtype() == DType::Bool) return IValue(v != 0.0);
  if (!isFloatingPoint(t.dtype())) return IValue(static_cast<int64_t>(v));
  return IValue(v);
}

std::optional<IValue> evaluateTensorLiteral(const std::string& kind,
                                            const std::vector<IValue>& args) {
  if (kind == "aten::linspace" || kind == "aten::logspace") return evaluateSpacedRange(kind, args);
  // Traced code wraps sizes as tensors: NumToTensor(size(x, 1)) of a known size is a constant.
  if (kind == "prim::NumToTensor" && args.size() == 1 && (args[0].isInt() || args[0].isDouble()))
    return IValue(
        Tensor::scalar(args[0].isInt() ? DType::Int64 : DType::Float64, args[0].toNumber()));
  if (kind != "aten::tensor" || args.empty()) return std::nullopt;
  Flattened data;
  if (!flatten(args[0], 0, data)) return std::nullopt;
  // torch's inference for literals: bool, else int64, else the default float dtype.
  DType dtype = data.anyFloat ? DType::Float32
                              : (data.allBool && !data.values.empty() ? DType::Bool : DType::Int64);
  if (args.size() > 1 && args[1].isInt()) {
    auto requested = dtypeFromTorchScalarType(args[1].toInt());
    if (!requested) return std::nullopt;
    dtype = *requested;
  }
  Tensor tensor(dtype, data.shape);
  auto* bytes = static_cast<uint8_t*>(tensor.mutableRawData());
  for (size_t i = 0; i < data.values.size(); ++i) {
    storeElement(bytes + i * elementSize(dtype), dtype, data.values[i]);
  }
  return IValue(std::move(tensor));
}

}  // namespace ts2coreml::passes
