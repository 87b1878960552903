#include "passes/static_eval.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "core/error.h"
#include "passes/inference_facts.h"
#include "passes/string_methods.h"
#include "passes/tensor_literals.h"

namespace ts2coreml::passes {

namespace {

using Args = std::vector<IValue>;
using Evaluator = FoldFn;

bool isNumber(const IValue& v) {
  return v.isInt() || v.isDouble() || v.isBool();
}
bool allNumbers(const Args& args, size_t n) {
  if (args.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (!isNumber(args[i])) return false;
  }
  return true;
}
bool anyDouble(const Args& args, size_t n) {
  for (size_t i = 0; i < n && i < args.size(); ++i) {
    if (args[i].isDouble()) return true;
  }
  return false;
}
int64_t asInt(const IValue& v) {
  return v.isBool() ? v.toBool() : v.toInt();
}

// Python semantics for int floor division and modulo.
int64_t floorDiv(int64_t a, int64_t b) {
  if (b == 0) throw Error("integer division by zero");
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t floorMod(int64_t a, int64_t b) {
  return a - floorDiv(a, b) * b;
}

Evaluator onNumbers(std::function<int64_t(int64_t, int64_t)> onInts,
                    std::function<double(double, double)> onDoubles) {
  return [=](const Args& a) -> std::optional<IValue> {
    if (!allNumbers(a, 2)) return std::nullopt;
    if (anyDouble(a, 2) || !onInts) return IValue(onDoubles(a[0].toNumber(), a[1].toNumber()));
    return IValue(onInts(asInt(a[0]), asInt(a[1])));
  };
}

Evaluator orderOf(std::function<bool(double, double)> onNumbers,
                  std::function<bool(const std::string&, const std::string&)> onStrings) {
  return [=](const Args& a) -> std::optional<IValue> {
    if (a.size() < 2) return std::nullopt;
    if (allNumbers(a, 2)) {
      if (a[0].isInt() && a[1].isInt()) {
        // Compare exactly: large int64 values lose precision as doubles.
        int64_t x = a[0].toInt(), y = a[1].toInt();
        return IValue(onNumbers(x < y ? -1.0 : (x > y ? 1.0 : 0.0), 0.0));
      }
      return IValue(onNumbers(a[0].toNumber(), a[1].toNumber()));
    }
    if (a[0].isString() && a[1].isString())
      return IValue(onStrings(a[0].toString(), a[1].toString()));
    return std::nullopt;
  };
}

// min(a, b) / max(a, b) of numbers, or min(list) / max(list) of a non-empty number list.
Evaluator extremumOf(bool largest) {
  auto pick = onNumbers(
      [largest](int64_t x, int64_t y) { return largest ? std::max(x, y) : std::min(x, y); },
      [largest](double x, double y) { return largest ? std::max(x, y) : std::min(x, y); });
  return [pick](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1 || !a[0].isList()) return pick(a);
    const auto& items = a[0].items();
    if (items.empty()) throw Error("min()/max() of an empty list");
    std::optional<IValue> best = items[0];
    if (!isNumber(*best)) return std::nullopt;
    for (size_t i = 1; i < items.size() && best; ++i) best = pick({*best, items[i]});
    return best;
  };
}

// A float function of one number, refused like Python's math module outside its domain.
Evaluator mathFunction(std::function<bool(double)> inDomain, std::function<double(double)> f) {
  return [=](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
    double x = a[0].toNumber();
    if (inDomain && !inDomain(x)) throw Error("math domain error for " + a[0].repr());
    return IValue(f(x));
  };
}

int64_t normalizeIndex(int64_t index, size_t size, const char* what) {
  int64_t n = static_cast<int64_t>(size);
  if (index < 0) index += n;
  if (index < 0 || index >= n) throw Error(std::string(what) + " index out of range");
  return index;
}

std::optional<IValue> getItem(const Args& a) {
  if (a.size() != 2) return std::nullopt;
  if ((a[0].isList() || a[0].isTuple()) && a[1].isInt()) {
    const auto& items = a[0].items();
    return items[static_cast<size_t>(normalizeIndex(a[1].toInt(), items.size(), "list"))];
  }
  if (a[0].isString() && a[1].isInt()) {
    const std::string& s = a[0].toString();
    return IValue(
        std::string(1, s[static_cast<size_t>(normalizeIndex(a[1].toInt(), s.size(), "string"))]));
  }
  if (a[0].isDict()) {
    for (const auto& [key, value] : a[0].toDict()->items) {
      if (key == a[1]) return value;
    }
    throw Error("key " + a[1].repr() + " is not in the dict");
  }
  return std::nullopt;
}

std::optional<IValue> isOp(const Args& a, bool negate) {
  if (a.size() != 2) return std::nullopt;
  // `x is None` is decidable when either side is known to be None or known not to be.
  if (a[0].isNone() || a[1].isNone()) return IValue((a[0].isNone() && a[1].isNone()) != negate);
  return std::nullopt;
}

std::string formatString(const Args& a) {
  std::string format = a[0].toString();
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '{' && i + 1 < format.size() && format[i + 1] == '}') {
      if (next < a.size()) out += a[next].isString() ? a[next].toString() : a[next].repr();
      ++next;
      ++i;
    } else {
      out += format[i];
    }
  }
  return out;
}

}  // namespace

namespace folds {

FoldFn addition() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() >= 2 && a[0].isString() && a[1].isString())
      return IValue(a[0].toString() + a[1].toString());
    if (a.size() >= 2 && a[0].isList() && a[1].isList()) {
      std::vector<IValue> items = a[0].items();
      items.insert(items.end(), a[1].items().begin(), a[1].items().end());
      return IValue::list(items);
    }
    return onNumbers(std::plus<int64_t>(), std::plus<double>())(a);
  };
}

FoldFn arithmetic(Arithmetic op) {
  switch (op) {
    case Arithmetic::Subtract:
      return onNumbers(std::minus<int64_t>(), std::minus<double>());
    case Arithmetic::Multiply:
      return onNumbers(std::multiplies<int64_t>(), std::multiplies<double>());
    case Arithmetic::TrueDivide:
      return onNumbers(nullptr, [](double x, double y) { return x / y; });
    case Arithmetic::FloorDivide:
      return onNumbers(floorDiv, [](double x, double y) { return std::floor(x / y); });
    case Arithmetic::Remainder:
      return onNumbers(floorMod, [](double x, double y) { return x - std::floor(x / y) * y; });
    case Arithmetic::Power:
      return onNumbers(nullptr, [](double x, double y) { return std::pow(x, y); });
  }
  return nullptr;
}

FoldFn extremum(bool largest) {
  return extremumOf(largest);
}

FoldFn ordering(Ordering op) {
  switch (op) {
    case Ordering::Less:
      return orderOf(std::less<double>(), std::less<std::string>());
    case Ordering::LessEqual:
      return orderOf(std::less_equal<double>(), std::less_equal<std::string>());
    case Ordering::Greater:
      return orderOf(std::greater<double>(), std::greater<std::string>());
    case Ordering::GreaterEqual:
      return orderOf(std::greater_equal<double>(), std::greater_equal<std::string>());
  }
  return nullptr;
}

FoldFn equality(bool negate) {
  if (negate)
    return [](const Args& a) -> std::optional<IValue> {
      if (a.size() < 2 || a[0].isTensor() || a[1].isTensor()) return std::nullopt;
      if (allNumbers(a, 2)) return IValue(a[0].toNumber() != a[1].toNumber());
      return IValue(!(a[0] == a[1]));
    };
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() < 2) return std::nullopt;
    if (a[0].isTensor() || a[1].isTensor()) return std::nullopt;
    if (allNumbers(a, 2)) return IValue(a[0].toNumber() == a[1].toNumber());
    return IValue(a[0] == a[1]);
  };
}

FoldFn negation() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
    return a[0].isDouble() ? IValue(-a[0].toDouble()) : IValue(-asInt(a[0]));
  };
}

FoldFn logicalNot() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1 || !a[0].isBool()) return std::nullopt;
    return IValue(!a[0].toBool());
  };
}

FoldFn bitwise(bool conjunction) {
  if (conjunction)
    return [](const Args& a) -> std::optional<IValue> {
      if (a.size() == 2 && a[0].isBool() && a[1].isBool())
        return IValue(a[0].toBool() && a[1].toBool());
      if (a.size() == 2 && a[0].isInt() && a[1].isInt()) return IValue(a[0].toInt() & a[1].toInt());
      return std::nullopt;
    };
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() == 2 && a[0].isBool() && a[1].isBool())
      return IValue(a[0].toBool() || a[1].toBool());
    if (a.size() == 2 && a[0].isInt() && a[1].isInt()) return IValue(a[0].toInt() | a[1].toInt());
    return std::nullopt;
  };
}

FoldFn identity(bool negate) {
  return [negate](const Args& a) { return isOp(a, negate); };
}

FoldFn length() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1) return std::nullopt;
    if (a[0].isList() || a[0].isTuple()) return IValue(static_cast<int64_t>(a[0].items().size()));
    if (a[0].isString()) return IValue(static_cast<int64_t>(a[0].toString().size()));
    if (a[0].isDict()) return IValue(static_cast<int64_t>(a[0].toDict()->items.size()));
    return std::nullopt;
  };
}

FoldFn item() {
  return getItem;
}

FoldFn membership() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 2) return std::nullopt;
    if (a[0].isList() || a[0].isTuple()) {
      for (const IValue& item : a[0].items()) {
        if (item == a[1]) return IValue(true);
      }
      return IValue(false);
    }
    if (a[0].isDict()) {
      for (const auto& [key, value] : a[0].toDict()->items) {
        if (key == a[1]) return IValue(true);
      }
      return IValue(false);
    }
    return std::nullopt;
  };
}

FoldFn conversion(Conversion to) {
  switch (to) {
    case Conversion::Int:
      return [](const Args& a) -> std::optional<IValue> {
        if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
        return IValue(static_cast<int64_t>(a[0].toNumber()));
      };
    case Conversion::Float:
      return [](const Args& a) -> std::optional<IValue> {
        if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
        return IValue(a[0].toNumber());
      };
    case Conversion::Bool:
      return [](const Args& a) -> std::optional<IValue> {
        if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
        return IValue(a[0].toNumber() != 0.0);
      };
    case Conversion::Str:
      return [](const Args& a) -> std::optional<IValue> {
        if (a.size() != 1 || a[0].isTensor()) return std::nullopt;
        return IValue(a[0].isString() ? a[0].toString() : a[0].repr());
      };
  }
  return nullptr;
}

FoldFn format() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.empty() || !a[0].isString()) return std::nullopt;
    for (const IValue& v : a) {
      if (v.isTensor()) return std::nullopt;
    }
    return IValue(formatString(a));
  };
}

FoldFn rounding(bool up) {
  if (up)
    return [](const Args& a) -> std::optional<IValue> {
      if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
      return IValue(static_cast<int64_t>(std::ceil(a[0].toNumber())));
    };
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1 || !isNumber(a[0])) return std::nullopt;
    return IValue(static_cast<int64_t>(std::floor(a[0].toNumber())));
  };
}

// Python's math module on numbers (math.sqrt(T), math.log(n) in model code); tensors are
// folded elsewhere (tensor_literals.cc).
FoldFn math(MathFunction f) {
  switch (f) {
    case MathFunction::Sqrt:
      return mathFunction([](double x) { return x >= 0; }, [](double x) { return std::sqrt(x); });
    case MathFunction::Exp:
      return mathFunction(nullptr, [](double x) { return std::exp(x); });
    case MathFunction::Log2:
      return mathFunction([](double x) { return x > 0; }, [](double x) { return std::log2(x); });
    case MathFunction::Log10:
      return mathFunction([](double x) { return x > 0; }, [](double x) { return std::log10(x); });
    case MathFunction::Sin:
      return mathFunction(nullptr, [](double x) { return std::sin(x); });
    case MathFunction::Cos:
      return mathFunction(nullptr, [](double x) { return std::cos(x); });
    case MathFunction::Tanh:
      return mathFunction(nullptr, [](double x) { return std::tanh(x); });
    case MathFunction::Fabs:
      return mathFunction(nullptr, [](double x) { return std::fabs(x); });
  }
  return nullptr;
}

FoldFn logarithm() {
  static const Evaluator naturalLog =
      mathFunction([](double x) { return x > 0; }, [](double x) { return std::log(x); });
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() == 2 && allNumbers(a, 2)) {  // math.log(x, base)
      double x = a[0].toNumber(), base = a[1].toNumber();
      if (x <= 0 || base <= 0 || base == 1) throw Error("math domain error in log()");
      return IValue(std::log(x) / std::log(base));
    }
    return naturalLog(a);
  };
}

FoldFn listOf() {
  return [](const Args& a) -> std::optional<IValue> { return IValue::list(a); };
}

FoldFn tupleOf() {
  return [](const Args& a) -> std::optional<IValue> { return IValue::tuple(a); };
}

FoldFn listCopy() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 1 || !a[0].isList()) return std::nullopt;
    return IValue::list(a[0].items());
  };
}

FoldFn rangeLength() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 3 || !a[0].isInt() || !a[1].isInt() || !a[2].isInt()) return std::nullopt;
    int64_t lo = a[0].toInt(), hi = a[1].toInt(), step = a[2].toInt();
    if (step == 0) throw Error("range() step must not be zero");
    if (step > 0 && lo < hi) return IValue((hi - lo - 1) / step + 1);
    if (step < 0 && lo > hi) return IValue((lo - hi - 1) / (-step) + 1);
    return IValue(int64_t{0});
  };
}

FoldFn derivedIndex() {
  return [](const Args& a) -> std::optional<IValue> {
    if (a.size() != 3 || !a[0].isInt() || !a[1].isInt() || !a[2].isInt()) return std::nullopt;
    return IValue(a[1].toInt() + a[0].toInt() * a[2].toInt());
  };
}

}  // namespace folds

std::optional<IValue> evaluateScalarOp(const std::string& kind, const std::vector<IValue>& args,
                                       const FoldFn* fold) {
  for (const IValue& arg : args) {
    if (arg.isTensor() && kind != "prim::ListConstruct" && kind != "prim::TupleConstruct" &&
        kind != "aten::__getitem__" && kind != "prim::TupleIndex" && kind != "aten::len") {
      return evaluateTensorToNumber(kind, args);
    }
  }
  if (fold) return (*fold)(args);
  if (auto fact = evaluateInferenceFact(kind, args)) return fact;
  if (auto text = evaluateStringMethod(kind, args)) return text;
  return evaluateTensorLiteral(kind, args);
}

std::optional<IValue> evaluateTensorQuery(const std::string& kind,
                                          const std::vector<ir::TypePtr>& types,
                                          const std::vector<std::optional<IValue>>& args) {
  // A value whose type cannot hold None (a Tensor, a tuple carried by a loop, ...) is never
  // None: `hx is None` of nn.LSTMCell's state when the state is a loop variable.
  if ((kind == "aten::__is__" || kind == "aten::__isnot__") && args.size() == 2 && args[1] &&
      args[1]->isNone() && !types.empty()) {
    const ir::TypeKind k = types[0]->kind();
    if (k != ir::TypeKind::Optional && k != ir::TypeKind::None && k != ir::TypeKind::Any)
      return IValue(kind == "aten::__isnot__");
  }
  if (types.empty() || !types[0]->isTensor()) return std::nullopt;
  if (auto fact = tensorInferenceFact(kind)) return fact;
  const auto& shape = types[0]->shape();
  const auto& dtype = types[0]->dtype();
  if (kind == "aten::dim" && shape) return IValue(static_cast<int64_t>(shape->size()));
  if (kind == "aten::size" && shape) {
    if (types.size() == 1) {
      std::vector<IValue> dims;
      for (int64_t d : *shape) {
        if (d < 0) return std::nullopt;
        dims.emplace_back(d);
      }
      return IValue::list(dims);
    }
    if (args.size() > 1 && args[1] && args[1]->isInt()) {
      int64_t dim = args[1]->toInt();
      if (dim < 0) dim += static_cast<int64_t>(shape->size());
      if (dim < 0 || dim >= static_cast<int64_t>(shape->size()))
        throw Error("size(): dimension out of range");
      int64_t d = (*shape)[static_cast<size_t>(dim)];
      if (d >= 0) return IValue(d);
    }
    return std::nullopt;
  }
  if (kind == "aten::len" && shape && !shape->empty() && (*shape)[0] >= 0)
    return IValue((*shape)[0]);
  if (kind == "aten::numel" && shape && shapeNumel(*shape) >= 0) {
    for (int64_t d : *shape) {
      if (d < 0) return std::nullopt;
    }
    return IValue(shapeNumel(*shape));
  }
  if (kind == "prim::dtype" && dtype) return IValue(torchScalarType(*dtype));
  if (kind == "aten::is_floating_point" && dtype) return IValue(isFloatingPoint(*dtype));
  if (kind == "prim::device") return IValue(DeviceValue{"cpu"});
  if (kind == "prim::is_cuda") return IValue(false);
  return std::nullopt;
}

ir::TypePtr typeOfValue(const IValue& value) {
  switch (value.kind()) {
    case IValue::Kind::None:
      return ir::Type::noneType();
    case IValue::Kind::Bool:
      return ir::Type::boolType();
    case IValue::Kind::Int:
      return ir::Type::intType();
    case IValue::Kind::Double:
      return ir::Type::floatType();
    case IValue::Kind::String:
      return ir::Type::strType();
    case IValue::Kind::Tensor:
      return ir::Type::tensor(value.toTensor().dtype(), value.toTensor().shape());
    case IValue::Kind::Device:
      return ir::Type::deviceType();
    case IValue::Kind::List: {
      // [None, idx] (an index list, levit's biases[:, idxs]) is a List[Optional[Tensor]].
      const auto& items = value.items();
      if (items.empty()) return ir::Type::list(ir::Type::anyType());
      auto isNone = [](const IValue& item) { return item.isNone(); };
      auto first = std::find_if_not(items.begin(), items.end(), isNone);
      if (first == items.end()) return ir::Type::list(ir::Type::noneType());
      ir::TypePtr element = typeOfValue(*first);
      if (std::any_of(items.begin(), items.end(), isNone)) element = ir::Type::optional(element);
      return ir::Type::list(element);
    }
    case IValue::Kind::Tuple: {
      std::vector<ir::TypePtr> types;
      for (const IValue& item : value.items()) types.push_back(typeOfValue(item));
      return ir::Type::tuple(types);
    }
    case IValue::Kind::Dict: {
      const auto& items = value.toDict()->items;
      if (items.empty()) return ir::Type::dict(ir::Type::anyType(), ir::Type::anyType());
      return ir::Type::dict(typeOfValue(items[0].first), typeOfValue(items[0].second));
    }
    case IValue::Kind::Object:
      return ir::Type::classType(value.toObject()->className);
    case IValue::Kind::Global:
      return ir::Type::anyType();
  }
  return ir::Type::anyType();
}

}  // namespace ts2coreml::passes
