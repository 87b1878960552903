#include "ir/parser.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "core/error.h"

namespace ts2coreml::ir {

namespace {

// Attributes and types nest; a bound keeps a hostile file from exhausting the stack.
constexpr int kMaxNesting = 64;

class Parser {
 public:
  Parser(const std::string& text, std::string sourceName) : sourceName_(std::move(sourceName)) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      lines_.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  }

  std::unique_ptr<Graph> parseGraph() {
    auto graph = std::make_unique<Graph>();
    skipComments();
    // The header may span lines: "graph(%x : T,\n      %y : T):".
    std::string header;
    while (lineIndex_ < lines_.size()) {
      header += trim(lines_[lineIndex_++]);
      if (header.size() >= 2 && header.compare(header.size() - 2, 2, "):") == 0) break;
      header += " ";
    }
    startLine(header, lineIndex_);
    expect("graph(");
    while (!peek(')')) {
      auto [ref, type] = parseDecl();
      define(ref, graph->addInput(type, nameOf(ref)));
      if (!peek(')')) expect(",");
      skipSpaces();
    }
    expect("):");
    parseBody(*graph, graph->top(), "return (");
    return graph;
  }

 private:
  // --- lines ---
  static std::string trim(const std::string& line) {
    size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    return line.substr(first, line.find_last_not_of(' ') - first + 1);
  }

  void skipComments() {
    while (lineIndex_ < lines_.size()) {
      std::string line = trim(lines_[lineIndex_]);
      if (!line.empty() && line.rfind("//", 0) != 0) return;
      ++lineIndex_;
    }
  }

  // Takes one line (leading and trailing spaces dropped, remembered for error columns).
  void startLine(const std::string& line, size_t lineNumber) {
    text_ = trim(line);
    indent_ = text_.empty() ? 0 : line.find_first_not_of(' ');
    pos_ = 0;
    lineNumber_ = lineNumber;
  }

  // Reads node lines into `block` until the line starting with `terminator` ("-> (" or
  // "return (") and takes its values as the block's returns.
  void parseBody(Graph& graph, Block* block, const std::string& terminator) {
    for (;;) {
      skipComments();
      if (lineIndex_ >= lines_.size()) fail("expected '" + terminator + "...)' before the end");
      startLine(lines_[lineIndex_], lineIndex_ + 1);
      ++lineIndex_;
      if (text_.rfind(terminator, 0) == 0) {
        pos_ = terminator.size();
        for (Value* value : parseRefList(')')) block->addReturn(value);
        expect(")");
        expectEnd();
        return;
      }
      parseNode(graph, block);
    }
  }

  void parseNode(Graph& graph, Block* block) {
    std::vector<std::pair<std::string, TypePtr>> outputs;
    if (peek('%')) {
      for (;;) {
        outputs.push_back(parseDecl());
        if (!peek(',')) break;
        expect(",");
        skipSpaces();
      }
      expect(" = ");
    }
    size_t kindStart = pos_;
    while (pos_ < text_.size() && text_[pos_] != '[' && text_[pos_] != '(') ++pos_;
    if (pos_ == kindStart) fail("expected an op name");
    Node* node = block->appendNode(text_.substr(kindStart, pos_ - kindStart));
    if (peek('[')) {
      expect("[");
      while (!peek(']')) {
        std::string name = parseWord("attribute name");
        expect("=");
        node->setAttribute(name, parseValue(0));
        if (!peek(']')) expect(", ");
      }
      expect("]");
    }
    expect("(");
    while (!peek(')')) {
      std::string inputName;
      if (!peek('%')) {
        inputName = parseWord("input name");
        expect("=");
      }
      node->addInput(parseRef(), inputName);
      if (!peek(')')) expect(", ");
    }
    expect(")");
    if (pos_ < text_.size()) {
      expect("  # ");
      node->setLocation(parseLocation(text_.substr(pos_)));
      pos_ = text_.size();
    }
    for (auto& [ref, type] : outputs) {
      Value* value = node->addOutput(type);
      value->setName(nameOf(ref));
      define(ref, value);
    }
    // Nested blocks follow on their own lines: "block0(%i : int, ...):".
    for (size_t index = 0;; ++index) {
      skipComments();
      std::string header = "block" + std::to_string(index) + "(";
      if (lineIndex_ >= lines_.size() || trim(lines_[lineIndex_]).rfind(header, 0) != 0) break;
      startLine(lines_[lineIndex_], lineIndex_ + 1);
      ++lineIndex_;
      pos_ = header.size();
      Block* inner = node->addBlock();
      while (!peek(')')) {
        auto [ref, type] = parseDecl();
        define(ref, inner->addParam(type, nameOf(ref)));
        if (!peek(')')) expect(", ");
      }
      expect("):");
      expectEnd();
      parseBody(graph, inner, "-> (");
    }
  }

  // --- values ---
  std::pair<std::string, TypePtr> parseDecl() {
    std::string ref = parseRefText();
    expect(" : ");
    return {ref, parseType(0)};
  }

  std::string parseRefText() {
    if (!peek('%')) fail("expected a value (%name)");
    size_t start = pos_++;
    while (pos_ < text_.size() && std::string(",)( :\t").find(text_[pos_]) == std::string::npos)
      ++pos_;
    if (pos_ == start + 1) fail("expected a value name after '%'");
    return text_.substr(start, pos_ - start);
  }

  // "%x.3" is value 3 named x, "%3" value 3 without a name.
  static std::string nameOf(const std::string& ref) {
    size_t dot = ref.rfind('.');
    return dot == std::string::npos ? "" : ref.substr(1, dot - 1);
  }

  void define(const std::string& ref, Value* value) {
    if (!values_.emplace(ref, value).second) fail("value " + ref + " is defined twice");
  }

  Value* parseRef() {
    size_t start = pos_;
    std::string ref = parseRefText();
    auto it = values_.find(ref);
    if (it == values_.end()) fail("value " + ref + " is used before it is defined", start);
    return it->second;
  }

  std::vector<Value*> parseRefList(char close) {
    std::vector<Value*> values;
    while (!peek(close)) {
      values.push_back(parseRef());
      if (!peek(close)) expect(", ");
    }
    return values;
  }

  // --- types ---
  TypePtr parseType(int depth) {
    if (depth > kMaxNesting) fail("types nest too deeply");
    if (consume("Tensor<")) {
      std::optional<DType> dtype;
      if (!consume("?")) dtype = parseDtype();
      std::optional<Shape> shape;
      if (consume(" ")) shape = parseShape();
      expect(">");
      return Type::tensor(dtype, shape);
    }
    if (consume("Tensor")) return Type::tensor();
    if (consume("List[")) return closeBracket(Type::list(parseType(depth + 1)));
    if (consume("Optional[")) return closeBracket(Type::optional(parseType(depth + 1)));
    if (consume("Dict[")) {
      TypePtr key = parseType(depth + 1);
      expect(", ");
      return closeBracket(Type::dict(key, parseType(depth + 1)));
    }
    if (consume("Tuple[")) {
      std::vector<TypePtr> elements;
      while (!peek(']')) {
        elements.push_back(parseType(depth + 1));
        if (!peek(']')) expect(", ");
      }
      return closeBracket(Type::tuple(std::move(elements)));
    }
    std::string word = parseWord("a type");
    static const std::map<std::string, TypePtr (*)()> simple = {
        {"int", Type::intType},       {"float", Type::floatType},   {"bool", Type::boolType},
        {"str", Type::strType},       {"NoneType", Type::noneType}, {"Device", Type::deviceType},
        {"Scalar", Type::numberType}, {"Any", Type::anyType}};
    auto it = simple.find(word);
    return it != simple.end() ? it->second() : Type::classType(word);
  }

  TypePtr closeBracket(TypePtr type) {
    expect("]");
    return type;
  }

  DType parseDtype() {
    std::string name = parseWord("a dtype");
    std::optional<DType> dtype = dtypeFromName(name);
    if (!dtype) fail("unknown dtype '" + name + "'");
    return *dtype;
  }

  Shape parseShape() {
    if (consume("scalar")) return {};
    Shape shape;
    for (;;) {
      if (consume("?")) {
        shape.push_back(-1);
      } else {
        shape.push_back(parseInteger());
      }
      if (!consume("x")) return shape;
    }
  }

  // --- attribute values ---
  IValue parseValue(int depth) {
    if (depth > kMaxNesting) fail("attribute values nest too deeply");
    if (consume("None")) return IValue();
    if (consume("True")) return IValue(true);
    if (consume("False")) return IValue(false);
    if (peek('"')) return IValue(parseString());
    if (consume("device(")) {
      std::string name = parseString();
      expect(")");
      return IValue(DeviceValue{name});
    }
    if (consume("Tensor<")) return IValue(parseTensor());
    if (consume("[")) {
      std::vector<IValue> items;
      while (!peek(']')) {
        items.push_back(parseValue(depth + 1));
        if (!peek(']')) expect(", ");
      }
      expect("]");
      return IValue::list(std::move(items));
    }
    if (consume("(")) {
      std::vector<IValue> items;
      while (!peek(')')) {
        items.push_back(parseValue(depth + 1));
        if (consume(",") && !peek(')')) expect(" ");
      }
      expect(")");
      return IValue::tuple(std::move(items));
    }
    if (consume("{")) {
      auto dict = std::make_shared<DictValue>();
      while (!peek('}')) {
        IValue key = parseValue(depth + 1);
        expect(": ");
        dict->items.emplace_back(std::move(key), parseValue(depth + 1));
        if (!peek('}')) expect(", ");
      }
      expect("}");
      return IValue(dict);
    }
    if (peek('<')) fail("objects cannot be read back from IR text");
    return parseNumber();
  }

  std::string parseString() {
    expect("\"");
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        char escaped = text_[pos_++];
        value += escaped == 'n' ? '\n' : escaped;
      } else {
        value += c;
      }
    }
    expect("\"");
    return value;
  }

  std::string numberText() {
    size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string("0123456789+-.eEnaif").find(text_[pos_]) != std::string::npos)
      ++pos_;
    if (pos_ == start) fail("expected a value");
    return text_.substr(start, pos_ - start);
  }

  static double toDouble(const std::string& text) {
    if (text == "nan") return std::nan("");
    if (text == "inf") return INFINITY;
    if (text == "-inf") return -INFINITY;
    return std::strtod(text.c_str(), nullptr);
  }

  IValue parseNumber() {
    size_t start = pos_;
    std::string text = numberText();
    char* end = nullptr;
    if (text.find_first_of(".eEni") == std::string::npos) {
      long long value = std::strtoll(text.c_str(), &end, 10);
      if (*end) fail("bad integer '" + text + "'", start);
      return IValue(static_cast<int64_t>(value));
    }
    if (text != "nan" && text != "inf" && text != "-inf") {
      std::strtod(text.c_str(), &end);
      if (*end) fail("bad number '" + text + "'", start);
    }
    return IValue(toDouble(text));
  }

  Tensor parseTensor() {
    DType dtype = parseDtype();
    expect(" ");
    Shape shape = parseShape();
    expect(">");
    if (!peek('{'))
      fail("tensor attribute without its elements (print the IR in the parseable form)");
    expect("{");
    Tensor tensor(dtype, shape);
    int64_t count = 0;
    while (!peek('}')) {
      if (count >= tensor.numel()) fail("more elements than the tensor's shape holds");
      setElement(tensor, count++, numberText());
      if (!peek('}')) expect(", ");
    }
    expect("}");
    if (count != tensor.numel()) fail("fewer elements than the tensor's shape holds");
    return tensor;
  }

  void setElement(Tensor& tensor, int64_t i, const std::string& text) {
    double v = toDouble(text);
    switch (tensor.dtype()) {
      case DType::Bool:
      case DType::UInt8:
        tensor.mutableData<uint8_t>()[i] = static_cast<uint8_t>(v);
        break;
      case DType::Int8:
        tensor.mutableData<int8_t>()[i] = static_cast<int8_t>(v);
        break;
      case DType::Int16:
        tensor.mutableData<int16_t>()[i] = static_cast<int16_t>(v);
        break;
      case DType::Int32:
        tensor.mutableData<int32_t>()[i] = static_cast<int32_t>(v);
        break;
      case DType::Int64:
        tensor.mutableData<int64_t>()[i] = std::strtoll(text.c_str(), nullptr, 10);
        break;
      case DType::Float16:
        tensor.mutableData<uint16_t>()[i] = floatToHalf(static_cast<float>(v));
        break;
      case DType::BFloat16: {
        float f = static_cast<float>(v);
        uint32_t bits;
        std::memcpy(&bits, &f, sizeof bits);
        tensor.mutableData<uint16_t>()[i] = static_cast<uint16_t>(bits >> 16);
        break;
      }
      case DType::Float32:
        tensor.mutableData<float>()[i] = static_cast<float>(v);
        break;
      case DType::Float64:
        tensor.mutableData<double>()[i] = v;
        break;
    }
  }

  // "model.py:44 (code/__torch__.py:12: `text`)", "code/x.py:12: `text`" or "model.py:44".
  SourceLocation parseLocation(const std::string& text) {
    SourceLocation location;
    auto fileAndLine = [&](const std::string& part, std::string& file, int& line) {
      size_t colon = part.rfind(':');
      if (colon == std::string::npos) fail("bad source location '" + part + "'");
      file = part.substr(0, colon);
      line = std::atoi(part.c_str() + colon + 1);
    };
    auto codePart = [&](const std::string& part) {
      size_t tick = part.find(": `");
      if (tick == std::string::npos) {
        fileAndLine(part, location.codeFile, location.codeLine);
        return;
      }
      fileAndLine(part.substr(0, tick), location.codeFile, location.codeLine);
      location.codeText = part.substr(tick + 3, part.size() - tick - 4);
    };
    size_t open = text.find(" (");
    if (open != std::string::npos && text.back() == ')') {
      fileAndLine(text.substr(0, open), location.pythonFile, location.pythonLine);
      codePart(text.substr(open + 2, text.size() - open - 3));
    } else if (text.find(": `") != std::string::npos) {
      codePart(text);
    } else {
      fileAndLine(text, location.pythonFile, location.pythonLine);
    }
    return location;
  }

  // --- characters ---
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool consume(const std::string& token) {
    if (text_.compare(pos_, token.size(), token) != 0) return false;
    pos_ += token.size();
    return true;
  }
  void expect(const std::string& token) {
    if (!consume(token)) fail("expected '" + token + "'");
  }
  void expectEnd() {
    if (pos_ != text_.size()) fail("unexpected text");
  }
  void skipSpaces() {
    while (peek(' ')) ++pos_;
  }
  std::string parseWord(const std::string& what) {
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   std::string("_.:").find(text_[pos_]) != std::string::npos))
      ++pos_;
    if (pos_ == start) fail("expected " + what);
    return text_.substr(start, pos_ - start);
  }
  int64_t parseInteger() {
    size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ == start) fail("expected a dimension");
    if (pos_ - start > 18) fail("integer out of range", start);
    return std::stoll(text_.substr(start, pos_ - start));
  }

  [[noreturn]] void fail(const std::string& what, std::optional<size_t> at = std::nullopt) const {
    size_t column = indent_ + at.value_or(pos_) + 1;
    throw Error(sourceName_ + ":" + std::to_string(lineNumber_) + ":" + std::to_string(column) +
                ": " + what);
  }

  std::string sourceName_;
  std::vector<std::string> lines_;
  size_t lineIndex_ = 0;
  std::string text_;
  size_t pos_ = 0;
  size_t indent_ = 0;
  size_t lineNumber_ = 0;
  std::map<std::string, Value*> values_;
};

}  // namespace

std::unique_ptr<Graph> parseGraph(const std::string& text, const std::string& sourceName) {
  return Parser(text, sourceName).parseGraph();
}

}  // namespace ts2coreml::ir
