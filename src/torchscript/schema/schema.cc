#include "torchscript/schema/schema.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/error.h"

namespace ts2coreml::torchscript::schema {
namespace {

using ir::Type;
using ir::TypePtr;

// Enum names torch accepts in defaults; printed code (and str(schema)) uses the ints instead.
const std::unordered_map<std::string, int64_t>& enumConstants() {
  static const std::unordered_map<std::string, int64_t> table = {
      // c10::MemoryFormat
      {"contiguous_format", 0},
      {"legacy_contiguous_format", 0},
      {"preserve_format", 1},
      {"channels_last", 2},
      {"channels_last_3d", 3},
      // at::Reduction
      {"Mean", 1},
      {"Sum", 2},
      // c10::Layout
      {"strided", 0},
      {"sparse_coo", 1},
      // c10::ScalarType (same numbering as core/dtype.h's torch codes)
      {"uint8", 0},
      {"int8", 1},
      {"short", 2},
      {"int16", 2},
      {"int32", 3},
      {"long", 4},
      {"int64", 4},
      {"half", 5},
      {"float16", 5},
      {"float32", 6},
      {"double", 7},
      {"float64", 7},
      {"bool", 11},
      {"bfloat16", 15}};
  return table;
}

bool isTypeVariable(std::string_view name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  for (size_t i = 1; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

// A parsed type in both spellings (type variables as Any, and as "$name" markers).
struct ParsedType {
  TypePtr type;
  TypePtr withVars;
  bool mutates = false;
  std::string aliasSet;
  int fixedListSize = 0;
};

class SchemaParser {
 public:
  explicit SchemaParser(std::string_view text) : text_(text) {}

  Schema parse() {
    Schema schema;
    schema.text = std::string(text_);
    std::string full = qualifiedName();
    size_t dot = full.find('.', full.find("::") == std::string::npos ? 0 : full.find("::") + 2);
    schema.name = full.substr(0, dot);
    if (dot != std::string::npos) schema.overload = full.substr(dot + 1);
    expect('(');
    bool kwargOnly = false;
    skipSpaces();
    while (!peek(')')) {
      if (consume("...")) {
        schema.varargs = true;
      } else if (peek('*') && !isIdentStart(at(1))) {
        ++pos_;
        kwargOnly = true;
      } else {
        Argument arg = argument(/*isReturn=*/false);
        arg.kwargOnly = kwargOnly;
        schema.arguments.push_back(std::move(arg));
      }
      skipSpaces();
      if (!peek(')')) expect(',');
      skipSpaces();
    }
    expect(')');
    skipSpaces();
    if (!consume("->")) fail("expected '->'");
    skipSpaces();
    if (consume("...")) {
      schema.varret = true;
    } else if (peek('(')) {
      ++pos_;
      skipSpaces();
      while (!peek(')')) {
        if (consume("...")) {
          schema.varret = true;
        } else {
          schema.returns.push_back(argument(/*isReturn=*/true));
        }
        skipSpaces();
        if (!peek(')')) expect(',');
        skipSpaces();
      }
      expect(')');
    } else {
      schema.returns.push_back(argument(/*isReturn=*/true));
    }
    skipSpaces();
    if (pos_ != text_.size()) fail("unexpected trailing text");
    return schema;
  }

  ParsedType typeOnly() {
    ParsedType t = type();
    skipSpaces();
    if (pos_ != text_.size()) fail("unexpected trailing text");
    return t;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("bad operator schema '" + std::string(text_) + "': " + what + " at column " +
                std::to_string(pos_ + 1));
  }
  char at(size_t offset = 0) const {
    return pos_ + offset < text_.size() ? text_[pos_ + offset] : '\0';
  }
  bool peek(char c) const { return at() == c; }
  static bool isIdentStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
  }
  static bool isIdentChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  }
  void skipSpaces() {
    while (at() == ' ' || at() == '\t') ++pos_;
  }
  bool consume(std::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  void expect(char c) {
    skipSpaces();
    if (!peek(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string identifier() {
    size_t start = pos_;
    if (!isIdentStart(at())) fail("expected a name");
    while (isIdentChar(at())) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // "aten::add.Tensor", "__torch__.torch.classes.quantized.Conv2dPackedParamsBase".
  std::string qualifiedName() {
    std::string name = identifier();
    while (true) {
      if (consume("::")) {
        name += "::";
        name += identifier();
      } else if (peek('.') && isIdentStart(at(1))) {
        ++pos_;
        name += '.';
        name += identifier();
      } else {
        return name;
      }
    }
  }

  Argument argument(bool isReturn) {
    skipSpaces();
    ParsedType t = type();
    Argument arg;
    arg.type = t.type;
    arg.typeWithVars = t.withVars;
    arg.mutates = t.mutates;
    arg.aliasSet = t.aliasSet;
    arg.fixedListSize = t.fixedListSize;
    skipSpaces();
    if (isIdentStart(at())) arg.name = identifier();
    skipSpaces();
    if (!isReturn && peek('=')) {
      ++pos_;
      skipSpaces();
      arg.defaultValue = fitDefault(value(), arg);
    }
    return arg;
  }

  // Alias annotations like (a), (a!), (a -> *), (b|a), (*): only whether it writes matters.
  // `(a)`, `(a!)`, `(a -> *)`: sets `aliasSet` to the set's name; true when it writes (`!`).
  bool aliasAnnotation(std::string& aliasSet) {
    size_t close = text_.find(')', pos_);
    if (close == std::string_view::npos) fail("unclosed alias annotation");
    std::string_view annotation = text_.substr(pos_, close - pos_);
    bool writes = annotation.find('!') != std::string_view::npos;
    size_t nameEnd = 0;
    while (nameEnd < annotation.size() && isIdentStart(annotation[nameEnd])) ++nameEnd;
    aliasSet = std::string(annotation.substr(0, nameEnd));
    pos_ = close + 1;
    return writes;
  }

  // A comma-separated list of types up to `close`.
  std::vector<ParsedType> typeList(char close) {
    std::vector<ParsedType> items;
    skipSpaces();
    while (!peek(close)) {
      items.push_back(type());
      skipSpaces();
      // Named tuple fields: "(Tensor values, Tensor indices)" inside a type.
      if (isIdentStart(at())) identifier();
      skipSpaces();
      if (!peek(close)) expect(',');
      skipSpaces();
    }
    ++pos_;
    return items;
  }

  ParsedType baseType() {
    skipSpaces();
    ParsedType t;
    if (peek('(')) {  // tuple type
      ++pos_;
      std::vector<ParsedType> items = typeList(')');
      std::vector<TypePtr> plain, vars;
      for (auto& item : items) {
        plain.push_back(item.type);
        vars.push_back(item.withVars);
      }
      t.type = Type::tuple(plain);
      t.withVars = Type::tuple(vars);
      return t;
    }
    std::string name = qualifiedName();
    auto containerArgs = [&](char open) -> std::optional<std::vector<ParsedType>> {
      if (!peek(open)) return std::nullopt;
      ++pos_;
      return typeList(open == '(' ? ')' : ']');
    };
    auto both = [&](TypePtr type) {
      t.type = type;
      t.withVars = type;
      return t;
    };
    if (name == "Dict" || name == "List" || name == "Optional" || name == "Tuple" ||
        name == "Future" || name == "RRef" || name == "Await" || name == "Union") {
      auto args = containerArgs('(');
      if (!args) args = containerArgs('[');
      if (!args) fail("expected type arguments of " + name);
      auto& a = *args;
      auto need = [&](size_t n) {
        if (a.size() != n) fail(name + " takes " + std::to_string(n) + " type arguments");
      };
      if (name == "Dict") {
        need(2);
        t.type = Type::dict(a[0].type, a[1].type);
        t.withVars = Type::dict(a[0].withVars, a[1].withVars);
      } else if (name == "List") {
        need(1);
        t.type = Type::list(a[0].type);
        t.withVars = Type::list(a[0].withVars);
      } else if (name == "Optional") {
        need(1);
        t.type = Type::optional(a[0].type);
        t.withVars = Type::optional(a[0].withVars);
      } else if (name == "Tuple") {
        std::vector<TypePtr> plain, vars;
        for (auto& item : a) {
          plain.push_back(item.type);
          vars.push_back(item.withVars);
        }
        t.type = Type::tuple(plain);
        t.withVars = Type::tuple(vars);
      } else {  // handles and unions the converter cannot use: an opaque class type
        return both(Type::classType(name));
      }
      return t;
    }
    if (name == "Tensor") return both(Type::tensor());
    if (name == "int" || name == "SymInt" || name == "ScalarType" || name == "MemoryFormat" ||
        name == "Layout" || name == "QScheme")
      return both(Type::intType());
    if (name == "float") return both(Type::floatType());
    if (name == "bool") return both(Type::boolType());
    if (name == "str" || name == "Dimname") return both(Type::strType());
    if (name == "Scalar" || name == "number") return both(Type::numberType());
    if (name == "Device") return both(Type::deviceType());
    if (name == "None" || name == "NoneType") return both(Type::noneType());
    if (name == "Any" || name == "Generator" || name == "AnyEnumType" || name == "AnyClassType")
      return both(Type::anyType());
    if (isTypeVariable(name)) {
      t.type = Type::anyType();
      t.withVars = Type::classType("$" + name);
      return t;
    }
    // complex, Storage, Stream, Capsule, __torch__.torch.classes.*: only values of that very
    // class type match them (a complex must not pass for a Scalar).
    return both(Type::classType(name));
  }

  ParsedType type() {
    ParsedType t = baseType();
    while (true) {
      if (peek('(')) {
        ++pos_;
        t.mutates |= aliasAnnotation(t.aliasSet);
      } else if (peek('[')) {
        ++pos_;
        size_t start = pos_;
        while (std::isdigit(static_cast<unsigned char>(at()))) ++pos_;
        int size = start == pos_ ? 0 : std::stoi(std::string(text_.substr(start, pos_ - start)));
        if (!peek(']')) fail("expected ']'");
        ++pos_;
        t.type = Type::list(t.type);
        t.withVars = Type::list(t.withVars);
        t.fixedListSize = size;
      } else if (peek('?')) {
        ++pos_;
        t.type = Type::optional(t.type);
        t.withVars = Type::optional(t.withVars);
      } else {
        return t;
      }
    }
  }

  // Default values: numbers, True/False/None, strings, [lists], enum names.
  IValue value() {
    skipSpaces();
    if (peek('[')) {
      ++pos_;
      std::vector<IValue> items;
      skipSpaces();
      while (!peek(']')) {
        items.push_back(value());
        skipSpaces();
        if (!peek(']')) expect(',');
        skipSpaces();
      }
      ++pos_;
      return IValue::list(std::move(items));
    }
    if (peek('"') || peek('\'')) return quotedString();
    if (peek('-') || std::isdigit(static_cast<unsigned char>(at()))) {
      if (consume("-inf")) return -std::numeric_limits<double>::infinity();
      return number();
    }
    std::string word = identifier();
    if (word == "True") return true;
    if (word == "False") return false;
    if (word == "None") return IValue();
    if (word == "inf") return std::numeric_limits<double>::infinity();
    if (word == "nan") return std::numeric_limits<double>::quiet_NaN();
    auto it = enumConstants().find(word);
    if (it == enumConstants().end()) fail("unknown default value '" + word + "'");
    return it->second;
  }

  IValue number() {
    size_t start = pos_;
    if (peek('-')) ++pos_;
    bool isFloat = false;
    while (true) {
      char c = at();
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E') {
        isFloat = true;
        ++pos_;
        if ((c == 'e' || c == 'E') && (at() == '-' || at() == '+')) ++pos_;
      } else {
        break;
      }
    }
    std::string digits(text_.substr(start, pos_ - start));
    if (isFloat) {
      // strtod accepts "0." and exponents; the text is plain C-locale ASCII.
      char* end = nullptr;
      double v = std::strtod(digits.c_str(), &end);
      if (end != digits.c_str() + digits.size()) fail("bad number '" + digits + "'");
      return v;
    }
    int64_t v = 0;
    auto result = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (result.ec != std::errc() || result.ptr != digits.data() + digits.size())
      fail("bad integer '" + digits + "'");
    return v;
  }

  IValue quotedString() {
    char quote = at();
    ++pos_;
    std::string out;
    while (!peek(quote)) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = at();
      ++pos_;
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = at();
      ++pos_;
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case '0':
          out += '\0';
          break;
        default:
          out += e;
          break;  // \\ \" \'
      }
    }
    ++pos_;
    return out;
  }

  // Makes a default fit its declared type: `int[2] stride=1` means [1, 1], `float p=1` is 1.0.
  IValue fitDefault(IValue v, const Argument& arg) {
    const TypePtr& t = arg.type;
    const TypePtr& plain = t->kind() == ir::TypeKind::Optional ? t->element() : t;
    if (plain->kind() == ir::TypeKind::List && (v.isInt() || v.isDouble() || v.isBool()) &&
        arg.fixedListSize > 0) {
      return IValue::list(std::vector<IValue>(arg.fixedListSize, v));
    }
    if (plain->kind() == ir::TypeKind::Float && v.isInt()) {
      return static_cast<double>(v.toInt());
    }
    return v;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string Schema::qualifiedOverload() const {
  return overload.empty() ? name : name + "." + overload;
}

Schema parseSchema(std::string_view text) {
  return SchemaParser(text).parse();
}

std::string typeVariableName(const ir::TypePtr& type) {
  if (type->kind() != ir::TypeKind::Class) return {};
  const std::string& name = type->className();
  return !name.empty() && name[0] == '$' ? name.substr(1) : std::string();
}

ir::TypePtr substituteTypeVariables(const ir::TypePtr& typeWithVars,
                                    const std::map<std::string, ir::TypePtr>& bindings) {
  using ir::TypeKind;
  switch (typeWithVars->kind()) {
    case TypeKind::Class: {
      std::string var = typeVariableName(typeWithVars);
      if (var.empty()) return typeWithVars;
      auto it = bindings.find(var);
      return it != bindings.end() ? it->second : Type::anyType();
    }
    case TypeKind::List:
      return Type::list(substituteTypeVariables(typeWithVars->element(), bindings));
    case TypeKind::Optional:
      return Type::optional(substituteTypeVariables(typeWithVars->element(), bindings));
    case TypeKind::Dict:
      return Type::dict(substituteTypeVariables(typeWithVars->elements().at(0), bindings),
                        substituteTypeVariables(typeWithVars->elements().at(1), bindings));
    case TypeKind::Tuple: {
      std::vector<TypePtr> items;
      for (const auto& e : typeWithVars->elements())
        items.push_back(substituteTypeVariables(e, bindings));
      return Type::tuple(items);
    }
    default:
      return typeWithVars;
  }
}

}  // namespace ts2coreml::torchscript::schema
