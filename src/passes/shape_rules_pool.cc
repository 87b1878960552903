#include "passes/shape_rules_pool.h"

#include <cmath>

#include "passes/shape_rule_helpers.h"

namespace ts2coreml::passes::rules {

namespace {

std::optional<std::vector<int64_t>> ints(const OpOperands& ops, size_t i, size_t count) {
  if (i >= ops.constants.size() || !ops.constants[i]) return std::nullopt;
  const IValue& v = *ops.constants[i];
  std::vector<int64_t> out;
  if (v.isInt()) {
    out.assign(count, v.toInt());
  } else if (v.isList() || v.isTuple()) {
    for (const IValue& item : v.items()) {
      if (!item.isInt()) return std::nullopt;
      out.push_back(item.toInt());
    }
    if (out.size() == 1) out.assign(count, out[0]);
    if (out.empty()) return std::nullopt;  // stride [] means "= kernel"
  } else {
    return std::nullopt;
  }
  if (out.size() != count) return std::nullopt;
  return out;
}

// max_pool2d / avg_pool2d(input, kernel, stride, padding, [dilation,] ceil_mode, ...).
std::optional<ir::TypePtr> pooled(const OpOperands& ops, bool isMax) {
  const auto& input = ops.types.at(0);
  if (!input->isTensor() || !input->shape() || input->shape()->size() < 3) return std::nullopt;
  const Shape& x = *input->shape();
  auto kernel = ints(ops, 1, 2);
  if (!kernel) return std::nullopt;
  auto stride = ints(ops, 2, 2);
  if (!stride) stride = kernel;
  auto padding = ints(ops, 3, 2);
  auto dilation = isMax ? ints(ops, 4, 2) : std::optional<std::vector<int64_t>>({1, 1});
  size_t ceilIndex = isMax ? 5 : 4;
  bool ceil = ceilIndex < ops.constants.size() && ops.constants[ceilIndex] &&
              ops.constants[ceilIndex]->isBool() && ops.constants[ceilIndex]->toBool();
  if (!padding || !dilation) return std::nullopt;
  Shape out = x;
  for (size_t i = 0; i < 2; ++i) {
    int64_t size = x[x.size() - 2 + i];
    if (size < 0) {  // flexible input: the output size is only known at run time
      out[out.size() - 2 + i] = -1;
      continue;
    }
    int64_t span = (*dilation)[i] * ((*kernel)[i] - 1) + 1;
    int64_t numerator = size + 2 * (*padding)[i] - span;
    int64_t o = (ceil ? (numerator + (*stride)[i] - 1) : numerator) / (*stride)[i] + 1;
    // torch: with ceil_mode the last window must start inside the input or its left padding.
    if (ceil && (o - 1) * (*stride)[i] >= size + (*padding)[i]) --o;
    out[out.size() - 2 + i] = o;
  }
  return ir::Type::tensor(input->dtype(), out);
}

// im2col(self, kernel, dilation, padding, stride): (N, C * kh * kw, windows);
// col2im(self, output_size, kernel, dilation, padding, stride): (N, C, H, W). N is optional.
std::optional<ir::TypePtr> windows(bool im2col, const ir::TypePtr& input, const OpOperands& ops) {
  const size_t first = im2col ? 1 : 2;
  auto kernel = ints(ops, first, 2), dilation = ints(ops, first + 1, 2),
       padding = ints(ops, first + 2, 2), stride = ints(ops, first + 3, 2);
  if (!input->shape() || !kernel || !dilation || !padding || !stride) return std::nullopt;
  Shape shape = *input->shape();
  const int64_t positions = (*kernel)[0] * (*kernel)[1];
  if (im2col) {
    if (shape.size() != 3 && shape.size() != 4) return std::nullopt;
    int64_t windows = 1;
    for (size_t i = 0; i < 2; ++i) {
      int64_t size = shape[shape.size() - 2 + i];
      int64_t reach = (*dilation)[i] * ((*kernel)[i] - 1) + 1;
      if (size < 0 || (*stride)[i] <= 0 || size + 2 * (*padding)[i] < reach) return std::nullopt;
      windows *= (size + 2 * (*padding)[i] - reach) / (*stride)[i] + 1;
    }
    const size_t channelDim = shape.size() - 3;
    Shape out(shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(channelDim));
    out.push_back(shape[channelDim] < 0 ? -1 : shape[channelDim] * positions);
    out.push_back(windows);
    return ir::Type::tensor(input->dtype(), out);
  }
  auto size = ints(ops, 1, 2);
  if (!size || (shape.size() != 2 && shape.size() != 3) || positions <= 0) return std::nullopt;
  const size_t channelDim = shape.size() - 2;
  Shape out(shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(channelDim));
  out.push_back(shape[channelDim] < 0 ? -1 : shape[channelDim] / positions);
  out.insert(out.end(), size->begin(), size->end());
  return ir::Type::tensor(input->dtype(), out);
}

}  // namespace

ShapeRule pooling(bool isMax) {
  return [isMax](const OpOperands& ops, size_t) { return pooled(ops, isMax); };
}

ShapeRule sameAsTensorInput() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor()) return std::nullopt;
    return ops.types[0];
  };
}

ShapeRule slidingWindows(bool im2col) {
  return whenShaped([im2col](const OpOperands& ops, const ir::TypePtr& input, const Shape&) {
    return windows(im2col, input, ops);
  });
}

ShapeRule adaptivePooling() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    auto size = ints(ops, 1, 2);
    if (!size || shape.size() < 3) return std::nullopt;
    shape[shape.size() - 2] = (*size)[0];
    shape[shape.size() - 1] = (*size)[1];
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule upsampling() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    if (shape.size() != 4) return std::nullopt;
    if (auto size = ints(ops, 1, 2)) {
      shape[2] = (*size)[0];
      shape[3] = (*size)[1];
      return ir::Type::tensor(input->dtype(), shape);
    }
    // .vec with scale_factors (the last input): floor(size * scale).
    const auto& scales = ops.constants.back();
    if (!scales || !scales->isList() || scales->items().size() != 2) return std::nullopt;
    for (size_t i = 0; i < 2; ++i) {
      if (shape[2 + i] < 0) continue;  // unknown stays unknown
      shape[2 + i] = static_cast<int64_t>(
          std::floor(static_cast<double>(shape[2 + i]) * scales->items()[i].toNumber()));
    }
    return ir::Type::tensor(input->dtype(), shape);
  });
}

ShapeRule flatten() {
  return whenShaped([](const OpOperands& ops, const ir::TypePtr& input,
                       Shape shape) -> std::optional<ir::TypePtr> {
    int64_t rank = static_cast<int64_t>(shape.size());
    auto start = ints(ops, 1, 1), end = ints(ops, 2, 1);
    if (!start || !end) return std::nullopt;
    int64_t s = (*start)[0] < 0 ? (*start)[0] + rank : (*start)[0];
    int64_t e = (*end)[0] < 0 ? (*end)[0] + rank : (*end)[0];
    if (rank == 0) return ir::Type::tensor(input->dtype(), Shape{1});
    if (s < 0 || e >= rank || s > e) return std::nullopt;
    Shape out(shape.begin(), shape.begin() + s);
    int64_t merged = 1;
    for (int64_t d = s; d <= e; ++d) merged = (merged < 0 || shape[d] < 0) ? -1 : merged * shape[d];
    out.push_back(merged);
    out.insert(out.end(), shape.begin() + e + 1, shape.end());
    return ir::Type::tensor(input->dtype(), out);
  });
}

}  // namespace ts2coreml::passes::rules
