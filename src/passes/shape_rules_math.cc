#include "passes/shape_rules_math.h"

#include <algorithm>
#include <map>
#include <set>

#include "passes/shape_rule_helpers.h"

namespace ts2coreml::passes {

namespace {

using namespace rules;

ir::TypePtr floatOf(const ir::TypePtr& input) {
  auto dtype = input->dtype();
  if (dtype && !isFloatingPoint(*dtype)) dtype = DType::Float32;
  return ir::Type::tensor(dtype, input->shape());
}

const std::set<std::string>& sameTypeOps() {
  static const std::set<std::string> names = {
      "fill",        "sgn",         "nan_to_num",    "gelu",      "elu",        "leaky_relu",
      "softplus",    "mish",        "selu",          "celu",      "hardshrink", "softshrink",
      "log_sigmoid", "prelu",       "threshold",     "rrelu",     "softmax",    "log_softmax",
      "layer_norm",  "group_norm",  "instance_norm", "round",     "trunc",      "frac",
      "square",      "clamp",       "clamp_min",     "clamp_max", "cumsum",     "bitwise_not",
      "positive",    "_weight_norm"};
  return names;
}

const std::set<std::string>& floatUnaryOps() {
  static const std::set<std::string> names = {"reciprocal", "log2",  "log10", "log1p",   "expm1",
                                              "exp2",       "tan",   "asin",  "deg2rad", "rad2deg",
                                              "logit",      "acos",  "atan",  "sinh",    "cosh",
                                              "asinh",      "acosh", "atanh", "erfc"};
  return names;
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

// The index of `dim` and `keepdim` for the reduction overloads that take them.
struct ReduceArgs {
  size_t dim, keep;
};

std::optional<ReduceArgs> reduceArgs(const std::string& op, size_t count) {
  if (op == "amax" || op == "amin" || op == "logsumexp" || op == "argmax" || op == "argmin" ||
      op == "all" || op == "any")
    return count >= 3 ? std::optional<ReduceArgs>({1, 2}) : std::nullopt;
  if (op == "prod") return count >= 4 ? std::optional<ReduceArgs>({1, 2}) : std::nullopt;
  if (op == "std" || op == "var" || op == "norm" || op == "linalg_vector_norm")
    return count >= 4 ? std::optional<ReduceArgs>({op == "std" || op == "var" ? 1u : 2u, 3})
                      : std::nullopt;
  return std::nullopt;
}

std::optional<ir::TypePtr> reductionType(const std::string& op, const OpOperands& ops,
                                         size_t index) {
  const auto& input = ops.types.at(0);
  std::optional<DType> dtype = input->dtype();
  if (op == "argmax" || op == "argmin") dtype = DType::Int64;
  if (op == "all" || op == "any") dtype = DType::Bool;
  if (op == "std" || op == "var" || op == "norm" || op == "linalg_vector_norm" || op == "logsumexp")
    if (dtype && !isFloatingPoint(*dtype)) dtype = DType::Float32;
  if ((op == "max" || op == "min") && index == 1) dtype = DType::Int64;
  if (!input->shape()) return ir::Type::tensor(dtype);
  std::optional<ReduceArgs> args = (op == "max" || op == "min") ? std::optional<ReduceArgs>({1, 2})
                                                                : reduceArgs(op, ops.types.size());
  if (!args || isNoneAt(ops, args->dim)) return ir::Type::tensor(dtype, Shape{});
  auto dims = intsAt(ops, args->dim);
  if (!dims) return ir::Type::tensor(dtype);
  auto shape = reducedShape(*input->shape(), dims, boolAt(ops, args->keep));
  if (!shape) return std::nullopt;
  return ir::Type::tensor(dtype, *shape);
}

}  // namespace

// Broadcasting binary ops; pow, remainder and the bitwise ops also take a Python number first
// (torch.pow(10000.0, t) in position encodings).
std::optional<ir::TypePtr> broadcastBinaryType(const std::string& op, const OpOperands& ops) {
  const ir::TypePtr& input = ops.types.at(0);
  if (!(op == "fmod" || op == "atan2" || op == "hypot" || op == "remainder" || op == "logaddexp" ||
        op == "floor_divide" || op == "pow" || op == "logical_and" || op == "logical_or" ||
        op == "logical_xor" || op == "__and__" || op == "__or__" || op == "__xor__" ||
        op == "bitwise_and" || op == "bitwise_or" || op == "bitwise_xor" || op == "masked_fill"))
    return std::nullopt;
  if (ops.types.size() < 2 || (!input->isTensor() && !ops.types[1]->isTensor()))
    return std::nullopt;
  auto shape = broadcastAll(ops, {0, 1});
  std::optional<DType> dtype = promoteTypes(ops.types[0], ops.types[1]);
  if (op == "masked_fill") dtype = input->dtype();
  if (op == "logical_and" || op == "logical_or" || op == "logical_xor") dtype = DType::Bool;
  if (op.rfind("__", 0) == 0 && dtype != DType::Bool) return std::nullopt;  // ints: no lowering
  if (op == "pow" && ops.types[1]->kind() == ir::TypeKind::Float && dtype &&
      !isFloatingPoint(*dtype))
    dtype = DType::Float32;
  if ((op == "atan2" || op == "hypot" || op == "logaddexp") && dtype && !isFloatingPoint(*dtype))
    dtype = DType::Float32;
  return ir::Type::tensor(dtype, shape);
}

std::optional<ir::TypePtr> inferMathType(const std::string& kind, const OpOperands& ops,
                                         size_t index) {
  if (kind.rfind("aten::", 0) != 0 || ops.types.empty()) return std::nullopt;
  const std::string op = kind.substr(6);
  if (op == "einsum") return einsumType(ops);
  const ir::TypePtr& input = ops.types[0];
  if (auto type = broadcastBinaryType(op, ops)) return type;
  if (!input->isTensor()) return std::nullopt;  // every rule below takes a tensor first
  if (sameTypeOps().count(op)) return input;
  if (floatUnaryOps().count(op)) return floatOf(input);
  if (op == "isnan" || op == "isinf" || op == "isfinite" || op == "logical_not")
    return ir::Type::tensor(DType::Bool, input->shape());
  if (op == "diff") {  // diff(self, n, dim, prepend?, append?): n fewer items along dim
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
  }
  if (op == "glu") {
    auto dim = intAt(ops, 1);
    if (!input->shape() || !dim) return ir::Type::tensor(input->dtype());
    Shape shape = *input->shape();
    auto axis = normalizeDim(*dim, shape.size());
    if (!axis) return std::nullopt;
    shape[*axis] /= 2;
    return ir::Type::tensor(input->dtype(), shape);
  }
  if (op == "where" && ops.types.size() == 3) {
    auto dtype = promoteTypes(ops.types[1], ops.types[2]);
    if (!ops.types[1]->isTensor() && !ops.types[2]->isTensor() && dtype &&
        (*dtype == DType::Int64 || *dtype == DType::Float32)) {
      // where(cond, 1.0, 0.0): two Python scalars give the default dtype.
      dtype = *dtype == DType::Int64 ? DType::Int64 : DType::Float32;
    }
    return ir::Type::tensor(dtype, broadcastAll(ops, {0, 1, 2}));
  }
  if (op == "addcmul" || op == "addcdiv" || op == "lerp") {
    if (ops.types.size() < 3) return std::nullopt;
    auto dtype = promoteTypes(ops.types[0], ops.types[1]);
    return ir::Type::tensor(dtype, broadcastAll(ops, {0, 1, 2}));
  }
  if (op == "matmul" || op == "mm" || op == "bmm" || op == "mv" || op == "dot")
    return ops.types.size() >= 2 && ops.types[1]->isTensor() ? matmulType(input, ops.types[1])
                                                             : std::nullopt;
  if (op == "outer") {
    if (ops.types.size() < 2 || !input->shape() || !ops.types[1]->shape()) return std::nullopt;
    Shape a = *input->shape(), b = *ops.types[1]->shape();
    if (a.size() != 1 || b.size() != 1) return std::nullopt;
    return ir::Type::tensor(promoteTypes(input, ops.types[1]), Shape{a[0], b[0]});
  }
  if (op == "addmm" || op == "baddbmm" || op == "addmv") {
    if (ops.types.size() < 3) return std::nullopt;
    auto product = matmulType(ops.types[1], ops.types[2]);
    if (!product || !(*product)->shape()) return product;
    auto self = shapeAt(ops, 0);
    if (!self) return ir::Type::tensor((*product)->dtype());
    return ir::Type::tensor((*product)->dtype(), broadcastShapes(*self, *(*product)->shape()));
  }
  if (op == "scaled_dot_product_attention") {
    if (ops.types.size() < 3 || !input->shape() || !ops.types[2]->shape())
      return ir::Type::tensor(input->dtype());
    Shape out = *input->shape();
    if (out.empty()) return std::nullopt;
    out.back() = ops.types[2]->shape()->back();
    return ir::Type::tensor(input->dtype(), out);
  }
  if (op == "amax" || op == "amin" || op == "logsumexp" || op == "argmax" || op == "argmin" ||
      op == "all" || op == "any" || op == "prod" || op == "std" || op == "var" || op == "norm" ||
      op == "linalg_vector_norm")
    return reductionType(op, ops, index);
  if (op == "topk" || op == "sort" || op == "argsort") {
    std::optional<DType> dtype = (op == "argsort" || index == 1) ? DType::Int64 : input->dtype();
    if (!input->shape()) return ir::Type::tensor(dtype);
    Shape shape = *input->shape();
    if (op == "topk") {
      auto k = intAt(ops, 1), dim = intAt(ops, 2);
      auto axis = dim ? normalizeDim(*dim, shape.size()) : std::nullopt;
      if (!k || !axis) return ir::Type::tensor(dtype);
      shape[*axis] = *k;
    }
    return ir::Type::tensor(dtype, shape);
  }
  // max.dim / min.dim (self, dim, keepdim) -> (values, indices)
  if ((op == "max" || op == "min") && ops.types.size() == 3 && !ops.types[1]->isTensor())
    return reductionType(op, ops, index);
  return std::nullopt;
}

}  // namespace ts2coreml::passes
