#include "passes/shape_rules_math.h"

#include <algorithm>
#include <map>

#include "passes/shape_rule_helpers.h"

namespace ts2coreml::passes::rules {

namespace {

ir::TypePtr floatOf(const ir::TypePtr& input) {
  auto dtype = input->dtype();
  if (dtype && !isFloatingPoint(*dtype)) dtype = DType::Float32;
  return ir::Type::tensor(dtype, input->shape());
}

std::optional<ir::TypePtr> matmulType(const ir::TypePtr& a, const ir::TypePtr& b) {
  auto dtype = promoteTypes(a, b);
  if (!a->shape() || !b->shape()) return ir::Type::tensor(dtype);
  Shape x = *a->shape(), y = *b->shape();
  if (x.empty() || y.empty()) return std::nullopt;
  bool vx = x.size() == 1, vy = y.size() == 1;
  if (vx) x.insert(x.begin(), 1);
  if (vy) y.push_back(1);
  Shape bx(x.begin(), x.end() - 2), by(y.begin(), y.end() - 2);
  auto batch = broadcastShapes(bx, by);
  if (!batch) return std::nullopt;
  Shape out = *batch;
  if (!vx) out.push_back(x[x.size() - 2]);
  if (!vy) out.push_back(y.back());
  return ir::Type::tensor(dtype, out);
}

// einsum(equation, tensors): each output letter takes its size from an operand that has it.
std::optional<ir::TypePtr> einsumType(const OpOperands& ops) {
  const auto& eq = constantAt(ops, 0);
  if (!eq || !eq->isString() || ops.listItems.empty()) return std::nullopt;
  std::string text;
  for (char c : eq->toString())
    if (c != ' ') text += c;
  size_t arrow = text.find("->");
  if (arrow == std::string::npos) return std::nullopt;
  std::string lhs = text.substr(0, arrow), out = text.substr(arrow + 2);
  std::map<char, int64_t> sizes;
  size_t operand = 0, pos = 0;
  std::optional<DType> dtype = ops.listItems[0]->dtype();
  for (size_t i = 0; i <= lhs.size(); ++i) {
    if (i < lhs.size() && lhs[i] != ',') continue;
    if (operand >= ops.listItems.size()) return std::nullopt;
    const auto& type = ops.listItems[operand];
    if (!type->shape() || type->shape()->size() != i - pos) return std::nullopt;
    for (size_t k = pos; k < i; ++k) sizes[lhs[k]] = (*type->shape())[k - pos];
    ++operand;
    pos = i + 1;
  }
  Shape shape;
  for (char c : out) {
    if (!sizes.count(c)) return std::nullopt;
    shape.push_back(sizes[c]);
  }
  return ir::Type::tensor(dtype, shape);
}

}  // namespace

ShapeRule broadcastBinary(BinaryResult result) {
  return [result](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (ops.types.size() < 2 || (!input->isTensor() && !ops.types[1]->isTensor()))
      return std::nullopt;
    auto shape = broadcastAll(ops, {0, 1});
    std::optional<DType> dtype = promoteTypes(ops.types[0], ops.types[1]);
    switch (result) {
      case BinaryResult::Promoted:
        break;
      case BinaryResult::FirstOperand:
        dtype = input->dtype();
        break;
      case BinaryResult::Bool:
        dtype = DType::Bool;
        break;
      case BinaryResult::BoolOperandsOnly:  // on ints these are Python's bitwise ops: no lowering
        if (dtype != DType::Bool) return std::nullopt;
        break;
      case BinaryResult::Power:
        if (ops.types[1]->kind() == ir::TypeKind::Float && dtype && !isFloatingPoint(*dtype))
          dtype = DType::Float32;
        break;
      case BinaryResult::FloatingPoint:
        if (dtype && !isFloatingPoint(*dtype)) dtype = DType::Float32;
        break;
    }
    return ir::Type::tensor(dtype, shape);
  };
}

// The rules below take a tensor first.
ShapeRule floatingPointOfInput() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor()) return std::nullopt;
    return floatOf(ops.types[0]);
  };
}

ShapeRule boolOfInput() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    return ir::Type::tensor(DType::Bool, input->shape());
  };
}

ShapeRule einsum() {
  return [](const OpOperands& ops, size_t) { return einsumType(ops); };
}

ShapeRule difference() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    auto n = intAt(ops, 1);
    auto dim = intAt(ops, 2);
    if (!input->shape() || !n || !dim || ops.types.size() < 5)
      return ir::Type::tensor(input->dtype());
    Shape shape = *input->shape();
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    for (size_t joined : {size_t{3}, size_t{4}}) {  // prepend and append add their items first
      if (isNoneAt(ops, joined)) continue;
      auto extra = shapeAt(ops, joined);
      if (!extra || extra->size() != shape.size()) return ir::Type::tensor(input->dtype());
      shape[*axis] = shape[*axis] < 0 || (*extra)[*axis] < 0 ? -1 : shape[*axis] + (*extra)[*axis];
    }
    if (shape[*axis] >= 0) shape[*axis] = std::max<int64_t>(0, shape[*axis] - *n);
    return ir::Type::tensor(input->dtype(), shape);
  };
}

ShapeRule halvedAlongDim() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    auto dim = intAt(ops, 1);
    if (!input->shape() || !dim) return ir::Type::tensor(input->dtype());
    Shape shape = *input->shape();
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    shape[*axis] /= 2;
    return ir::Type::tensor(input->dtype(), shape);
  };
}

ShapeRule where() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor() || ops.types.size() != 3) return std::nullopt;
    auto dtype = promoteTypes(ops.types[1], ops.types[2]);
    if (!ops.types[1]->isTensor() && !ops.types[2]->isTensor() && dtype &&
        (*dtype == DType::Int64 || *dtype == DType::Float32)) {
      // where(cond, 1.0, 0.0): two Python scalars give the default dtype.
      dtype = *dtype == DType::Int64 ? DType::Int64 : DType::Float32;
    }
    return ir::Type::tensor(dtype, broadcastAll(ops, {0, 1, 2}));
  };
}

ShapeRule pointwiseOfThree() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor() || ops.types.size() < 3) return std::nullopt;
    auto dtype = promoteTypes(ops.types[0], ops.types[1]);
    return ir::Type::tensor(dtype, broadcastAll(ops, {0, 1, 2}));
  };
}

ShapeRule matrixProduct() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    return ops.types.size() >= 2 && ops.types[1]->isTensor() ? matmulType(input, ops.types[1])
                                                             : std::nullopt;
  };
}

ShapeRule outerProduct() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    if (ops.types.size() < 2 || !input->shape() || !ops.types[1]->shape()) return std::nullopt;
    Shape a = *input->shape(), b = *ops.types[1]->shape();
    if (a.size() != 1 || b.size() != 1) return std::nullopt;
    return ir::Type::tensor(promoteTypes(input, ops.types[1]), Shape{a[0], b[0]});
  };
}

ShapeRule addedMatrixProduct() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor() || ops.types.size() < 3) return std::nullopt;
    auto product = matmulType(ops.types[1], ops.types[2]);
    if (!product || !(*product)->shape()) return product;
    auto self = shapeAt(ops, 0);
    if (!self) return ir::Type::tensor((*product)->dtype());
    return ir::Type::tensor((*product)->dtype(), broadcastShapes(*self, *(*product)->shape()));
  };
}

ShapeRule scaledDotProductAttention() {
  return [](const OpOperands& ops, size_t) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    if (ops.types.size() < 3 || !input->shape() || !ops.types[2]->shape())
      return ir::Type::tensor(input->dtype());
    Shape out = *input->shape();
    if (out.empty()) return std::nullopt;
    out.back() = ops.types[2]->shape()->back();
    return ir::Type::tensor(input->dtype(), out);
  };
}

namespace {

std::optional<ir::TypePtr> reduced(const ReduceSpec& spec, const OpOperands& ops, size_t index) {
  const auto& input = ops.types.at(0);
  std::optional<DType> dtype = input->dtype();
  switch (spec.result) {
    case ReduceSpec::Result::Input:
      break;
    case ReduceSpec::Result::Index:
      dtype = DType::Int64;
      break;
    case ReduceSpec::Result::Bool:
      dtype = DType::Bool;
      break;
    case ReduceSpec::Result::FloatingPoint:
      if (dtype && !isFloatingPoint(*dtype)) dtype = DType::Float32;
      break;
    case ReduceSpec::Result::ValuesAndIndices:
      if (index == 1) dtype = DType::Int64;
      break;
  }
  if (!input->shape()) return ir::Type::tensor(dtype);
  const bool overloadWithDim = ops.types.size() >= spec.operandsWithDim;
  if (!overloadWithDim || isNoneAt(ops, spec.dim)) return ir::Type::tensor(dtype, Shape{});
  auto dims = intsAt(ops, spec.dim);
  if (!dims) return ir::Type::tensor(dtype);
  auto shape = reducedShape(*input->shape(), dims, boolAt(ops, spec.keepdim));
  if (!shape) return std::nullopt;
  return ir::Type::tensor(dtype, *shape);
}

}  // namespace

ShapeRule reduceAlong(ReduceSpec spec) {
  return [spec](const OpOperands& ops, size_t index) -> std::optional<ir::TypePtr> {
    if (!ops.types.at(0)->isTensor()) return std::nullopt;
    return reduced(spec, ops, index);
  };
}

ShapeRule sortAlong(SortResult result) {
  return [result](const OpOperands& ops, size_t index) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    std::optional<DType> dtype =
        (result == SortResult::Indices || index == 1) ? DType::Int64 : input->dtype();
    if (!input->shape()) return ir::Type::tensor(dtype);
    Shape shape = *input->shape();
    if (result == SortResult::TopK) {
      auto k = intAt(ops, 1), dim = intAt(ops, 2);
      auto axis = dim ? normalizeDim(*dim, shape.size()) : std::nullopt;
      if (!k || !axis) return ir::Type::tensor(dtype);
      shape[*axis] = *k;
    }
    return ir::Type::tensor(dtype, shape);
  };
}

ShapeRule extremum() {
  return [](const OpOperands& ops, size_t index) -> std::optional<ir::TypePtr> {
    const ir::TypePtr& input = ops.types.at(0);
    if (!input->isTensor()) return std::nullopt;
    // max(self)/min(self) reduce the whole tensor; max(self, other) is elementwise.
    if (ops.types.size() == 1) return ir::Type::tensor(input->dtype(), Shape{});
    if (ops.types.size() == 2 && ops.types[1]->isTensor()) {
      auto a = input->shape(), b = ops.types[1]->shape();
      std::optional<Shape> shape;
      if (a && b) shape = broadcastShapes(*a, *b);
      return ir::Type::tensor(input->dtype(), shape);
    }
    // max.dim / min.dim (self, dim, keepdim) -> (values, indices)
    if (ops.types.size() == 3 && !ops.types[1]->isTensor())
      return reduced({ReduceSpec::Result::ValuesAndIndices, 1, 2, 0}, ops, index);
    return std::nullopt;
  };
}

}  // namespace ts2coreml::passes::rules
