#include "core/ivalue.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/error.h"

namespace ts2coreml {

const IValue* ObjectValue::attribute(const std::string& name) const {
  for (const auto& [key, value] : attributes) {
    if (key == name) return &value;
  }
  return nullptr;
}

IValue IValue::list(std::vector<IValue> items, std::string typeTag) {
  auto list = std::make_shared<ListValue>();
  list->items = std::move(items);
  list->typeTag = std::move(typeTag);
  return IValue(std::move(list));
}

IValue IValue::tuple(std::vector<IValue> items) {
  auto tuple = std::make_shared<TupleValue>();
  tuple->items = std::move(items);
  return IValue(std::move(tuple));
}

double IValue::toNumber() const {
  switch (kind()) {
    case Kind::Int:
      return static_cast<double>(toInt());
    case Kind::Double:
      return toDouble();
    case Kind::Bool:
      return toBool() ? 1.0 : 0.0;
    default:
      failKind("a number");
  }
}

void IValue::failKind(const char* expected) const {
  throw Error(std::string("expected ") + expected + ", got " + repr());
}

const std::vector<IValue>& IValue::items() const {
  if (isList()) return toList()->items;
  if (isTuple()) return toTuple()->items;
  failKind("a list or tuple");
}

namespace {

std::string formatDouble(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e10) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f.", v);
    return buf;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string IValue::repr() const {
  switch (kind()) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return toBool() ? "True" : "False";
    case Kind::Int:
      return std::to_string(toInt());
    case Kind::Double:
      return formatDouble(toDouble());
    case Kind::String:
      return quote(toString());
    case Kind::Tensor: {
      const Tensor& t = toTensor();
      return "Tensor<" + std::string(dtypeName(t.dtype())) + " " + shapeToString(t.shape()) + ">";
    }
    case Kind::List:
    case Kind::Tuple: {
      std::string out = isList() ? "[" : "(";
      const auto& xs = items();
      for (size_t i = 0; i < xs.size(); ++i) {
        if (i) out += ", ";
        out += xs[i].repr();
      }
      if (isTuple() && xs.size() == 1) out += ",";
      return out + (isList() ? "]" : ")");
    }
    case Kind::Dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : toDict()->items) {
        if (!first) out += ", ";
        first = false;
        out += k.repr() + ": " + v.repr();
      }
      return out + "}";
    }
    case Kind::Object:
      return "<" + toObject()->className + ">";
    case Kind::Device:
      return "device(" + quote(toDevice().name) + ")";
    case Kind::Global:
      return toGlobal().module + "." + toGlobal().name;
  }
  return "?";
}

bool IValue::operator==(const IValue& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::None:
      return true;
    case Kind::Bool:
      return toBool() == other.toBool();
    case Kind::Int:
      return toInt() == other.toInt();
    case Kind::Double:
      return toDouble() == other.toDouble() ||
             (std::isnan(toDouble()) && std::isnan(other.toDouble()));
    case Kind::String:
      return toString() == other.toString();
    case Kind::Tensor: {
      const Tensor& a = toTensor();
      const Tensor& b = other.toTensor();
      return a.buffer() == b.buffer() && a.offset() == b.offset() && a.shape() == b.shape() &&
             a.strides() == b.strides() && a.dtype() == b.dtype();
    }
    case Kind::List:
    case Kind::Tuple:
      return items() == other.items();
    case Kind::Dict:
      return toDict()->items == other.toDict()->items;
    case Kind::Object: {
      const auto& a = toObject();
      const auto& b = other.toObject();
      if (a->enumMember && b->enumMember)
        return a->className == b->className && *a->attribute("value") == *b->attribute("value");
      return a == b;
    }
    case Kind::Device:
      return toDevice().name == other.toDevice().name;
    case Kind::Global:
      return toGlobal().module == other.toGlobal().module &&
             toGlobal().name == other.toGlobal().name;
  }
  return false;
}

}  // namespace ts2coreml
