#include "passes/shape_inference.h"

#include <functional>
#include <unordered_map>

#include "core/error.h"
#include "passes/shape_checks.h"
#include "passes/shape_rules.h"

namespace ts2coreml::passes {

namespace {

std::optional<DType> dtypeOf(const ir::TypePtr& type) {
  switch (type->kind()) {
    case ir::TypeKind::Tensor:
      return type->dtype();
    case ir::TypeKind::Int:
      return DType::Int64;
    case ir::TypeKind::Float:
      return DType::Float32;
    case ir::TypeKind::Bool:
      return DType::Bool;
    default:
      return std::nullopt;
  }
}

std::optional<Shape> shapeOf(const ir::TypePtr& type) {
  if (type->isTensor()) return type->shape();
  return Shape{};  // scalars broadcast like rank-0 tensors
}

}  // namespace

namespace rules {

ShapeRule sameAsInput() {
  return
      [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> { return ops.types.at(0); };
}

ShapeRule binaryArithmetic(bool trueDivision) {
  return [trueDivision](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (ops.types.size() < 2 || (!ops.types[0]->isTensor() && !ops.types[1]->isTensor())) {
      return std::nullopt;
    }
    auto dtype = promoteTypes(ops.types[0], ops.types[1]);
    // div with a rounding_mode ("trunc", "floor") keeps the promoted type, as floor division.
    bool rounded = ops.constants.size() > 2 && ops.constants[2] && ops.constants[2]->isString();
    if (dtype && trueDivision && !rounded && !isFloatingPoint(*dtype)) dtype = DType::Float32;
    auto a = shapeOf(ops.types[0]), b = shapeOf(ops.types[1]);
    std::optional<Shape> shape;
    if (a && b) shape = broadcastShapes(*a, *b);
    return ir::Type::tensor(dtype, shape);
  };
}

ShapeRule comparison() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (ops.types.size() < 2 || (!ops.types[0]->isTensor() && !ops.types[1]->isTensor())) {
      return std::nullopt;
    }
    auto a = shapeOf(ops.types[0]), b = shapeOf(ops.types[1]);
    std::optional<Shape> shape;
    if (a && b) shape = broadcastShapes(*a, *b);
    return ir::Type::tensor(DType::Bool, shape);
  };
}

}  // namespace rules

namespace {

std::optional<std::vector<int64_t>> intsOf(const std::optional<IValue>& value, size_t spatial) {
  if (!value) return std::nullopt;
  std::vector<int64_t> ints;
  if (value->isInt()) {
    ints.assign(spatial, value->toInt());
  } else if (value->isList() || value->isTuple()) {
    for (const IValue& item : value->items()) {
      if (!item.isInt()) return std::nullopt;
      ints.push_back(item.toInt());
    }
    if (ints.size() == 1) ints.assign(spatial, ints[0]);
  } else {
    return std::nullopt;
  }
  if (ints.size() != spatial) return std::nullopt;
  return ints;
}

// conv{1,2,3}d(input, weight, bias, stride, padding, dilation, groups) and
// _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
// groups, ...). An input whose channel count does not fit the weight is refused here, at
// conversion, instead of writing a model that fails when it runs.
}  // namespace

namespace rules {

ShapeRule convolution() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const auto& input = ops.types.at(0);
    const auto& weight = ops.types.at(1);
    if (!input->shape() || !weight->shape()) return ir::Type::tensor(input->dtype());
    const Shape& x = *input->shape();
    const Shape& w = *weight->shape();
    if (w.size() < 3 || x.size() != w.size()) return ir::Type::tensor(input->dtype());
    const bool general = ops.types.size() > 8;  // _convolution
    const bool transposed =
        general && ops.constants.at(6) && ops.constants[6]->isBool() && ops.constants[6]->toBool();
    const auto groupsValue = ops.constants.at(general ? 8 : 6);
    const int64_t groups = groupsValue && groupsValue->isInt() ? groupsValue->toInt() : 1;
    const int64_t expected = transposed ? w[0] : w[1] * groups;
    if (x[1] > 0 && expected > 0 && x[1] != expected) {
      throw Error("the input has " + std::to_string(x[1]) +
                  " channels but the convolution's "
                  "weight expects " +
                  std::to_string(expected) + " (check the --input shape)");
    }
    size_t spatial = w.size() - 2;
    auto stride = intsOf(ops.constants.at(3), spatial);
    auto dilation = intsOf(ops.constants.at(5), spatial);
    Shape out{x[0], transposed ? w[1] * groups : w[0]};
    const auto& padding = ops.constants.at(4);
    if (padding && padding->isString() && !transposed) {
      for (size_t i = 0; i < spatial; ++i) {
        int64_t k = (w[2 + i] - 1) * (dilation ? (*dilation)[i] : 1) + 1;
        out.push_back(padding->toString() == "same" ? x[2 + i] : x[2 + i] - k + 1);
      }
      return ir::Type::tensor(input->dtype(), out);
    }
    auto pad = intsOf(padding, spatial);
    auto outputPadding = transposed ? intsOf(ops.constants.at(7), spatial) : std::nullopt;
    if (!stride || !dilation || !pad || (transposed && !outputPadding))
      return ir::Type::tensor(input->dtype());
    for (int64_t s : *stride) {
      // Found by fuzz_compiler: a stride of 0 divided by zero below.
      if (s <= 0) throw Error("convolution stride must be positive, got " + std::to_string(s));
    }
    for (size_t i = 0; i < spatial; ++i) {
      int64_t k = (w[2 + i] - 1) * (*dilation)[i] + 1;
      if (x[2 + i] < 0) {
        out.push_back(-1);
      } else if (transposed) {
        out.push_back((x[2 + i] - 1) * (*stride)[i] - 2 * (*pad)[i] + k + (*outputPadding)[i]);
      } else {
        out.push_back((x[2 + i] + 2 * (*pad)[i] - k) / (*stride)[i] + 1);
      }
    }
    return ir::Type::tensor(input->dtype(), out);
  };
}

// mean/sum: (self, dtype) reduces everything; (self, dim, keepdim, dtype) reduces dims.
ShapeRule reduction() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const auto& input = ops.types.at(0);
    auto dtype = input->dtype();
    if (ops.types.size() <= 2) return ir::Type::tensor(dtype, Shape{});
    if (!input->shape() || !ops.constants.at(1) || !ops.constants.at(2))
      return ir::Type::tensor(dtype);
    const IValue& dimsValue = *ops.constants[1];
    if (dimsValue.isNone()) return ir::Type::tensor(dtype, Shape{});
    const Shape& shape = *input->shape();
    std::vector<bool> reduced(shape.size(), false);
    auto dims = intsOf(dimsValue, dimsValue.isInt() ? 1 : dimsValue.items().size());
    if (!dims) return ir::Type::tensor(dtype);
    for (int64_t d : *dims) {
      if (d < 0) d += static_cast<int64_t>(shape.size());
      if (d < 0 || d >= static_cast<int64_t>(shape.size())) return std::nullopt;
      reduced[static_cast<size_t>(d)] = true;
    }
    bool keep = ops.constants[2]->isBool() && ops.constants[2]->toBool();
    Shape out;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (!reduced[i])
        out.push_back(shape[i]);
      else if (keep)
        out.push_back(1);
    }
    return ir::Type::tensor(dtype, out);
  };
}

// linear(input [..., in], weight [out, in], bias) -> [..., out].
ShapeRule linear() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const auto& input = ops.types.at(0);
    const auto& weight = ops.types.at(1);
    if (!input->shape() || !weight->shape() || weight->shape()->size() != 2)
      return ir::Type::tensor(input->dtype());
    Shape out = *input->shape();
    if (out.empty()) return ir::Type::tensor(input->dtype());
    out.back() = (*weight->shape())[0];
    return ir::Type::tensor(input->dtype(), out);
  };
}

ShapeRule firstOf(ShapeRule first, ShapeRule second) {
  return
      [first = std::move(first), second = std::move(second)](const OpOperands& ops, size_t index) {
        if (auto type = first(ops, index)) return type;
        return second(ops, index);
      };
}

}  // namespace rules

std::optional<DType> promoteTypes(const ir::TypePtr& a, const ir::TypePtr& b) {
  auto x = dtypeOf(a), y = dtypeOf(b);
  if (!x || !y) return std::nullopt;
  auto category = [](DType d) { return d == DType::Bool ? 0 : isFloatingPoint(d) ? 2 : 1; };
  // 2: a tensor with dimensions (or of unknown rank), 1: a zero-dimensional tensor, 0: a number.
  auto priority = [](const ir::TypePtr& t) {
    if (!t->isTensor()) return 0;
    return t->shape() && t->shape()->empty() ? 1 : 2;
  };
  const int cx = category(*x), cy = category(*y);
  if (cx != cy) {
    const bool fromA = cx > cy;
    const DType winner = fromA ? *x : *y;
    if (priority(fromA ? a : b) > 0) return winner;
    return cx > cy ? (cx == 2 ? DType::Float32 : DType::Int64)  // a number's default dtype
                   : (cy == 2 ? DType::Float32 : DType::Int64);
  }
  const int px = priority(a), py = priority(b);
  if (px != py) return px > py ? x : y;
  if (*x == *y) return x;
  return elementSize(*x) >= elementSize(*y) ? x : y;
}

std::optional<Shape> broadcastShapes(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t x = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t y = i < b.size() ? b[b.size() - 1 - i] : 1;
    int64_t& o = out[out.size() - 1 - i];
    if (x == y || y == 1)
      o = x;
    else if (x == 1)
      o = y;
    else if (x < 0 || y < 0)
      o = -1;
    else
      return std::nullopt;
  }
  return out;
}

std::optional<ir::TypePtr> inferTensorType(const std::string& kind, const OpOperands& operands,
                                           size_t index, const ShapeRule* rule) {
  if (operands.types.empty()) return std::nullopt;
  if (index == 0) checkOperandShapes(kind, operands);
  if (rule) {
    if (auto type = (*rule)(operands, index)) return type;
  }
  // Whatever the op, a first operand that is a tensor of unknown shape gives its dtype: the
  // schema's declared type knows neither.
  const ir::TypePtr& first = operands.types[0];
  if (first->isTensor() && !first->shape()) return ir::Type::tensor(first->dtype());
  return std::nullopt;
}

}  // namespace ts2coreml::passes
