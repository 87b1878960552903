#include "passes/string_methods.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <unordered_map>

namespace ts2coreml::passes {

namespace {

using Args = std::vector<IValue>;
using Method = std::function<std::optional<IValue>(const std::string&, const Args&)>;

bool isStrings(const Args& a, size_t from) {
  for (size_t i = from; i < a.size(); ++i) {
    if (!a[i].isString()) return false;
  }
  return true;
}

std::string mapChars(std::string s, int (*f)(int)) {
  for (char& c : s) c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return s;
}

std::string stripped(const std::string& s, bool left, bool right) {
  size_t begin = 0, end = s.size();
  while (left && begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (right && end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

// Python's str.split: no separator splits on runs of whitespace and drops empty parts.
std::vector<IValue> split(const std::string& s, const std::optional<std::string>& separator) {
  std::vector<IValue> parts;
  if (!separator) {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      size_t start = i;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i > start) parts.emplace_back(s.substr(start, i - start));
    }
    return parts;
  }
  size_t start = 0, found;
  while ((found = s.find(*separator, start)) != std::string::npos) {
    parts.emplace_back(s.substr(start, found - start));
    start = found + separator->size();
  }
  parts.emplace_back(s.substr(start));
  return parts;
}

const std::unordered_map<std::string, Method>& methods() {
  static const std::unordered_map<std::string, Method> table = [] {
    std::unordered_map<std::string, Method> t;
    t["startswith"] = [](const std::string& s, const Args& a) -> std::optional<IValue> {
      if (a.size() < 2 || !a[1].isString()) return std::nullopt;
      return IValue(s.rfind(a[1].toString(), 0) == 0);
    };
    t["endswith"] = [](const std::string& s, const Args& a) -> std::optional<IValue> {
      if (a.size() < 2 || !a[1].isString()) return std::nullopt;
      const std::string& suffix = a[1].toString();
      return IValue(s.size() >= suffix.size() &&
                    s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0);
    };
    t["lower"] = [](const std::string& s, const Args&) -> std::optional<IValue> {
      return IValue(mapChars(s, ::tolower));
    };
    t["upper"] = [](const std::string& s, const Args&) -> std::optional<IValue> {
      return IValue(mapChars(s, ::toupper));
    };
    t["strip"] = [](const std::string& s, const Args&) -> std::optional<IValue> {
      return IValue(stripped(s, true, true));
    };
    t["lstrip"] = [](const std::string& s, const Args&) -> std::optional<IValue> {
      return IValue(stripped(s, true, false));
    };
    t["rstrip"] = [](const std::string& s, const Args&) -> std::optional<IValue> {
      return IValue(stripped(s, false, true));
    };
    t["find"] = [](const std::string& s, const Args& a) -> std::optional<IValue> {
      if (a.size() < 2 || !a[1].isString()) return std::nullopt;
      size_t at = s.find(a[1].toString());
      return IValue(at == std::string::npos ? int64_t{-1} : static_cast<int64_t>(at));
    };
    t["replace"] = [](const std::string& s, const Args& a) -> std::optional<IValue> {
      if (a.size() < 3 || !isStrings(a, 1) || a[1].toString().empty()) return std::nullopt;
      std::string out;
      size_t start = 0, found;
      const std::string &from = a[1].toString(), &to = a[2].toString();
      while ((found = s.find(from, start)) != std::string::npos) {
        out += s.substr(start, found - start) + to;
        start = found + from.size();
      }
      return IValue(out + s.substr(start));
    };
    t["split"] = [](const std::string& s, const Args& a) -> std::optional<IValue> {
      std::optional<std::string> separator;
      if (a.size() > 1 && a[1].isString()) separator = a[1].toString();
      if (separator && separator->empty()) return std::nullopt;
      return IValue::list(split(s, separator));
    };
    t["join"] = [](const std::string& s, const Args& a) -> std::optional<IValue> {
      if (a.size() != 2 || !a[1].isList()) return std::nullopt;
      std::string out;
      for (size_t i = 0; i < a[1].items().size(); ++i) {
        if (!a[1].items()[i].isString()) return std::nullopt;
        out += (i ? s : "") + a[1].items()[i].toString();
      }
      return IValue(out);
    };
    t["isdigit"] = [](const std::string& s, const Args&) -> std::optional<IValue> {
      return IValue(!s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      }));
    };
    return t;
  }();
  return table;
}

}  // namespace

std::optional<IValue> evaluateStringMethod(const std::string& kind, const Args& args) {
  if (args.empty() || !args[0].isString() || kind.rfind("aten::", 0) != 0) return std::nullopt;
  auto it = methods().find(kind.substr(6));
  if (it == methods().end()) return std::nullopt;
  return it->second(args[0].toString(), args);
}

}  // namespace ts2coreml::passes
