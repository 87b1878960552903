#include "passes/shape_rules_shape.h"

#include <algorithm>
#include <cmath>

#include "passes/shape_rule_helpers.h"

namespace ts2coreml::passes::rules {

namespace {

std::optional<ir::TypePtr> expandType(const ir::TypePtr& input, const std::vector<int64_t>& size) {
  const Shape& shape = *input->shape();
  if (size.size() < shape.size()) return std::nullopt;
  Shape out(size.begin(), size.end());
  size_t lead = size.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (out[lead + i] == -1) out[lead + i] = shape[i];
  }
  return ir::Type::tensor(input->dtype(), out);
}

std::optional<ir::TypePtr> squeezeType(const ir::TypePtr& input, const OpOperands& ops) {
  const Shape& shape = *input->shape();
  std::vector<bool> drop(shape.size(), false);
  if (ops.types.size() == 1) {
    for (size_t i = 0; i < shape.size(); ++i) drop[i] = shape[i] == 1;
  } else {
    auto dims = intsAt(ops, 1);
    if (!dims) return std::nullopt;
    for (int64_t d : *dims) {
      if (shape.empty()) continue;
      auto axis = normalizeDim(d, shape.size());
      if (!axis) return std::nullopt;
      drop[*axis] = shape[*axis] == 1;
    }
  }
  Shape out;
  for (size_t i = 0; i < shape.size(); ++i)
    if (!drop[i]) out.push_back(shape[i]);
  return ir::Type::tensor(input->dtype(), out);
}

// pad amounts (last dim first, pairs) applied to a shape.
std::optional<ir::TypePtr> paddedType(const ir::TypePtr& input, const OpOperands& ops) {
  auto pads = intsAt(ops, 1);
  if (!pads || pads->size() % 2 != 0 || pads->size() / 2 > input->shape()->size())
    return std::nullopt;
  Shape out = *input->shape();
  for (size_t i = 0; i < pads->size() / 2; ++i) {
    int64_t& d = out[out.size() - 1 - i];
    d += (*pads)[2 * i] + (*pads)[2 * i + 1];
  }
  return ir::Type::tensor(input->dtype(), out);
}

// arange(end, dtype...) / arange.start(start, end, dtype...) / arange.start_step(...): the number
// of arguments before the dtype decides which; the values must be constants.
std::optional<ir::TypePtr> arangeType(const OpOperands& ops) {
  size_t count = 0;
  while (count < ops.types.size() && count < 3) {
    auto kind = ops.types[count]->kind();
    if (kind != ir::TypeKind::Int && kind != ir::TypeKind::Float && kind != ir::TypeKind::Number)
      break;
    ++count;
  }
  // The overloads have 5 (end), 6 (start, end) or 7 (start, end, step) arguments in all.
  size_t numbers = ops.types.size() == 5 ? 1 : ops.types.size() == 6 ? 2 : 3;
  if (count < numbers) return std::nullopt;
  double start = 0, step = 1, end = 0;
  bool allInt = true;
  for (size_t i = 0; i < numbers; ++i) {
    auto v = numberAt(ops, i);
    if (!v) return std::nullopt;
    if (ops.types[i]->kind() != ir::TypeKind::Int) allInt = false;
  }
  if (numbers == 1) {
    end = *numberAt(ops, 0);
  } else {
    start = *numberAt(ops, 0);
    end = *numberAt(ops, 1);
    if (numbers == 3) step = *numberAt(ops, 2);
  }
  if (step == 0) return std::nullopt;
  int64_t length = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((end - start) / step)));
  std::optional<DType> dtype = allInt ? DType::Int64 : DType::Float32;
  const auto& given = constantAt(ops, numbers);
  if (given && given->isInt()) dtype = dtypeFromTorchScalarType(given->toInt());
  return ir::Type::tensor(dtype, Shape{length});
}

// conv_transpose{1,2,3}d(input, weight, bias, stride, padding, output_padding, groups, dilation).
std::optional<ir::TypePtr> convTransposeType(const OpOperands& ops) {
  const auto& input = ops.types.at(0);
  if (ops.types.size() < 8 || !input->shape() || !ops.types[1]->shape())
    return ir::Type::tensor(input->dtype());
  const Shape& x = *input->shape();
  const Shape& w = *ops.types[1]->shape();
  if (w.size() != x.size() || w.size() < 3) return std::nullopt;
  size_t spatial = w.size() - 2;
  auto expand = [&](size_t i) -> std::optional<std::vector<int64_t>> {
    auto v = intsAt(ops, i);
    if (v && v->size() == 1) v->assign(spatial, (*v)[0]);
    if (!v || v->size() != spatial) return std::nullopt;
    return v;
  };
  auto stride = expand(3), padding = expand(4), outPad = expand(5), dilation = expand(7);
  auto groups = intAt(ops, 6);
  if (!stride || !padding || !outPad || !dilation || !groups) return std::nullopt;
  Shape out{x[0], w[1] * *groups};
  for (size_t i = 0; i < spatial; ++i)
    out.push_back((x[2 + i] - 1) * (*stride)[i] - 2 * (*padding)[i] +
                  (*dilation)[i] * (w[2 + i] - 1) + (*outPad)[i] + 1);
  return ir::Type::tensor(input->dtype(), out);
}

// max_pool1d(self, kernel, stride, padding, dilation, ceil) / avg_pool1d(self, kernel, stride,
// padding, ceil, count_include_pad).
std::optional<ir::TypePtr> pool1dType(const OpOperands& ops, bool isMax) {
  const Shape& x = *ops.types[0]->shape();
  auto kernel = intsAt(ops, 1), stride = intsAt(ops, 2), padding = intsAt(ops, 3);
  if (!kernel || !padding || !stride || x.empty()) return std::nullopt;
  int64_t k = (*kernel)[0], s = stride->empty() ? k : (*stride)[0], p = (*padding)[0];
  int64_t d = isMax ? intsAt(ops, 4).value_or(std::vector<int64_t>{1})[0] : 1;
  bool ceil = boolAt(ops, isMax ? 5 : 4);
  int64_t numerator = x.back() + 2 * p - d * (k - 1) - 1;
  int64_t o = (ceil ? numerator + s - 1 : numerator) / s + 1;
  if (ceil && (o - 1) * s >= x.back() + p) --o;
  Shape out = x;
  out.back() = o;
  return ir::Type::tensor(ops.types[0]->dtype(), out);
}

}  // namespace

ShapeRule arange() {
  return [](const OpOperands& ops, size_t) { return arangeType(ops); };
}

ShapeRule transposedConvolution() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor()) return std::nullopt;
    return convTransposeType(ops);
  };
}

ShapeRule embedding() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    // embedding(weight [N, D], indices [...]) -> [..., D]
    auto indices = shapeAt(ops, 1);
    if (!input->shape() || !indices || input->shape()->size() != 2) return std::nullopt;
    Shape out = *indices;
    out.push_back((*input->shape())[1]);
    return ir::Type::tensor(input->dtype(), out);
  };
}

ShapeRule newSized(size_t dtypeIndex) {
  return [dtypeIndex](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    auto size = intsAt(ops, 1);
    std::optional<DType> dtype = input->dtype();
    if (auto code = intAt(ops, dtypeIndex)) dtype = dtypeFromTorchScalarType(*code);
    return ir::Type::tensor(dtype, size ? std::optional<Shape>(*size) : std::nullopt);
  };
}

ShapeRule shapeOfSecond() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    if (ops.types.size() < 2 || !ops.types[1]->isTensor()) return std::nullopt;
    return ir::Type::tensor(input->dtype(), ops.types[1]->shape());
  };
}

ShapeRule repeat() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto reps = intsAt(ops, 1);
    if (!reps || reps->size() < shape.size()) return std::nullopt;
    Shape out(reps->size() - shape.size(), 1);
    out.insert(out.end(), shape.begin(), shape.end());
    for (size_t i = 0; i < out.size(); ++i) out[i] *= (*reps)[i];
    return ir::Type::tensor(input->dtype(), out);
  });
}

ShapeRule transposed2d() {
  return whenShaped(
      [](const OpOperands&, const ir::TypePtr& input, Shape shape) -> std::optional<ir::TypePtr> {
        if (shape.size() == 2) std::swap(shape[0], shape[1]);
        return ir::Type::tensor(input->dtype(), shape);
      });
}

ShapeRule reversedDims() {
  return whenShaped(
      [](const OpOperands&, const ir::TypePtr& input, Shape shape) -> std::optional<ir::TypePtr> {
        std::reverse(shape.begin(), shape.end());
        return ir::Type::tensor(input->dtype(), shape);
      });
}

ShapeRule windowsAlongDim() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    // unfold(self, dimension, size, step): windows as a new last dim
    auto dim = intAt(ops, 1), size = intAt(ops, 2), step = intAt(ops, 3);
    if (!dim || !size || !step || *step <= 0) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis || shape[*axis] < 0 || *size < 0 || *size > shape[*axis]) return std::nullopt;
    shape[*axis] = (shape[*axis] - *size) / *step + 1;
    shape.push_back(*size);
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule narrowed() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto dim = intAt(ops, 1), length = intAt(ops, 3);
    if (!dim || !length) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    shape[*axis] = *length;
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule unflattened() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto dim = intAt(ops, 1);
    auto sizes = intsAt(ops, 2);
    if (!dim || !sizes) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    Shape parts = *sizes;
    int64_t known = 1, inferred = -1;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i] == -1) {
        inferred = static_cast<int64_t>(i);
      } else {
        known *= parts[i];
      }
    }
    if (inferred >= 0 && known > 0) parts[static_cast<size_t>(inferred)] = shape[*axis] / known;
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(*axis));
    shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(*axis), parts.begin(), parts.end());
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule pixelShuffle(bool shuffle) {
  return whenShaped([shuffle](const OpOperands& ops, const ir::TypePtr& input,
                              Shape shape) -> std::optional<ir::TypePtr> {
    auto factor = intAt(ops, 1);
    if (!factor || shape.size() < 3) return std::nullopt;
    int64_t r = *factor, n = static_cast<int64_t>(shape.size());
    if (shuffle) {
      shape[n - 3] /= r * r;
      shape[n - 2] *= r;
      shape[n - 1] *= r;
    } else {
      shape[n - 3] *= r * r;
      shape[n - 2] /= r;
      shape[n - 1] /= r;
    }
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule indexSelect() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto dim = intAt(ops, 1);
    auto index = shapeAt(ops, 2);
    if (!dim || !index) return std::nullopt;
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    shape[*axis] = index->empty() ? 1 : (*index)[0];
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule indexByOneTensor() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    // One index tensor after leading Nones: its shape replaces the indexed axis.
    std::optional<size_t> axis;
    Shape index;
    for (size_t i = 0; i < ops.listItems.size(); ++i) {
      const auto& item = ops.listItems[i];
      if (!item->isTensor()) continue;
      if (axis || !item->shape() || item->dtype() == DType::Bool) return std::nullopt;
      axis = i;
      index = *item->shape();
    }
    if (!axis || *axis >= shape.size()) return std::nullopt;
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(*axis));
    shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(*axis), index.begin(), index.end());
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule repeatInterleave() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    const auto& repeats = constantAt(ops, 1);
    int64_t r = 0;
    if (repeats && repeats->isInt()) {
      r = repeats->toInt();
    } else if (repeats && repeats->isTensor() && repeats->toTensor().numel() == 1) {
      r = static_cast<int64_t>(repeats->toTensor().elementAsDouble(0));
    } else {
      return std::nullopt;
    }
    auto dim = intAt(ops, 2);
    if (!dim) return ir::Type::tensor(input->dtype(), Shape{shapeNumel(shape) * r});
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    shape[*axis] *= r;
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule cosineSimilarity() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto other = shapeAt(ops, 1);
    auto dim = intAt(ops, 2);
    if (!other || !dim) return std::nullopt;
    auto joint = broadcastShapes(shape, *other);
    if (!joint) return std::nullopt;
    auto axis = normalizeDim(*dim, joint->size());
    if (!axis) return std::nullopt;
    joint->erase(joint->begin() + static_cast<std::ptrdiff_t>(*axis));
    return ir::Type::tensor(input->dtype(), *joint);
  });
}

ShapeRule gathered() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       const Shape&) -> std::optional<ir::TypePtr> {
    auto index = shapeAt(ops, 2);
    if (!index) return std::nullopt;
    return ir::Type::tensor(input->dtype(), *index);
  });
}

ShapeRule adaptiveAvgPool1d() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto size = intsAt(ops, 1);
    if (!size || size->size() != 1 || shape.empty()) return std::nullopt;
    shape.back() = (*size)[0];
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule expanded() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       const Shape&) -> std::optional<ir::TypePtr> {
    auto size = intsAt(ops, 1);
    return size ? expandType(input, *size) : std::nullopt;
  });
}

ShapeRule squeezed() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input, const Shape&) {
    return squeezeType(input, ops);
  });
}

ShapeRule padded() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input, const Shape&) {
    return paddedType(input, ops);
  });
}

ShapeRule pooling1d(bool isMax) {
  return whenShaped([isMax](const OpOperands& ops, const ir::TypePtr&, const Shape&) {
    return pool1dType(ops, isMax);
  });
}

}  // namespace ts2coreml::passes::rules
