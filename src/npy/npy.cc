#include "npy/npy.h"

#include <bit>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/regular_file.h"

namespace ts2coreml::npy {

static_assert(std::endian::native == std::endian::little,
              "npy data is read and written in the host byte order, assumed little-endian");

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr size_t kAlignment = 64;  // numpy >= 1.14 aligns the data to 64 bytes; we do the same

// A parsed Python literal of the small subset numpy writes in headers.
struct Literal {
  enum class Kind { String, Bool, Tuple, Other } kind = Kind::Other;
  std::string text;               // String
  bool boolean = false;           // Bool
  std::vector<int64_t> integers;  // Tuple of non-negative ints
  std::string source;             // the literal as written, for messages
};

// Recursive-descent reader of the header dict: {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), }. Anything outside that subset is reported with the header text.
class HeaderDictParser {
 public:
  HeaderDictParser(std::string_view text, const std::string& source)
      : text_(text), source_(source) {}

  std::vector<std::pair<std::string, Literal>> parse() {
    std::vector<std::pair<std::string, Literal>> entries;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') break;
      Literal key = parseValue();
      if (key.kind != Literal::Kind::String) fail("dict key is not a string");
      expect(':');
      entries.emplace_back(key.text, parseValue());
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    return entries;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skipSpace();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(source_ + ": malformed .npy header (" + what + " at offset " +
                std::to_string(pos_) + " of \"" + std::string(text_) + "\")");
  }

  Literal parseValue() {
    skipSpace();
    size_t start = pos_;
    Literal value;
    char c = peek();
    if (c == '\'' || c == '"') {
      ++pos_;
      size_t end = text_.find(c, pos_);
      if (end == std::string_view::npos) fail("unterminated string");
      value.kind = Literal::Kind::String;
      value.text = std::string(text_.substr(pos_, end - pos_));
      pos_ = end + 1;
    } else if (c == '(') {
      ++pos_;
      value.kind = Literal::Kind::Tuple;
      while (true) {
        skipSpace();
        if (peek() == ')') break;
        value.integers.push_back(parseInteger());
        skipSpace();
        if (peek() == ',') {
          ++pos_;
        } else if (peek() != ')') {
          fail("expected ',' or ')' in shape");
        }
      }
      ++pos_;
    } else if (text_.substr(pos_, 4) == "True") {
      value.kind = Literal::Kind::Bool;
      value.boolean = true;
      pos_ += 4;
    } else if (text_.substr(pos_, 5) == "False") {
      value.kind = Literal::Kind::Bool;
      pos_ += 5;
    } else if (c == '[' || c == '{') {
      // Structured dtypes ('descr': [('a', '<f4'), ...]) are lists; skip to the matching bracket.
      char close = c == '[' ? ']' : '}';
      int depth = 0;
      for (; pos_ < text_.size(); ++pos_) {
        if (text_[pos_] == c) ++depth;
        if (text_[pos_] == close && --depth == 0) break;
      }
      if (pos_ >= text_.size()) fail("unbalanced brackets");
      ++pos_;
    } else {
      fail("unexpected character");
    }
    value.source = std::string(text_.substr(start, pos_ - start));
    return value;
  }

  int64_t parseInteger() {
    size_t start = pos_;
    int64_t value = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, peek() - '0', &value)) {
        fail("dimension too large");
      }
      ++pos_;
    }
    if (pos_ == start) fail("expected a non-negative integer");
    if (peek() == 'L') ++pos_;  // Python 2 long suffix, found in very old files
    return value;
  }

  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
};

struct DescrEntry {
  std::string_view code;  // kind and size without the byte-order character
  DType dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"b1", DType::Bool},    {"u1", DType::UInt8},   {"i1", DType::Int8},
    {"i2", DType::Int16},   {"i4", DType::Int32},   {"i8", DType::Int64},
    {"f2", DType::Float16}, {"f4", DType::Float32}, {"f8", DType::Float64},
};

DType dtypeForDescr(const std::string& descr, const std::string& source) {
  if (descr.empty()) throw Error(source + ": empty dtype in .npy header");
  char order = descr[0];
  std::string_view code = descr;
  if (order == '<' || order == '|' || order == '=') {
    code.remove_prefix(1);
  } else if (order == '>') {
    // One-byte types have no byte order; accept them even when marked big-endian.
    code.remove_prefix(1);
    if (code.size() != 2 || code[1] != '1') {
      throw Error(
          source + ": big-endian dtype '" + descr +
          "' is not supported; save it little-endian, e.g. a.astype(a.dtype.newbyteorder('<'))");
    }
  }
  for (const DescrEntry& entry : kDescrs) {
    if (entry.code == code) return entry.dtype;
  }
  throw Error(source + ": dtype '" + descr +
              "' is not supported (supported: float16, float32, float64, int8, int16, int32, "
              "int64, uint8, bool)");
}

uint32_t readLittleEndian(const uint8_t* p, size_t bytes) {
  uint32_t value = 0;
  for (size_t i = bytes; i-- > 0;) value = (value << 8) | p[i];
  return value;
}

size_t dataBytes(const Header& header, const std::string& source) {
  // The product of the non-zero dimensions must fit as well: an array with a zero dimension is
  // empty, but its tensor's strides are products of the dimensions after it (found by fuzz_npy).
  size_t total = elementSize(header.dtype);
  size_t span = total;
  for (int64_t d : header.shape) {
    if (d != 0 && (__builtin_mul_overflow(span, static_cast<size_t>(d), &span) ||
                   span > static_cast<size_t>(std::numeric_limits<int64_t>::max()))) {
      throw Error(source + ": array shape " + shapeToString(header.shape) + " is too large");
    }
    total *= static_cast<size_t>(d);  // no overflow: total is 0 or span
  }
  return total;
}

// Bytes needed before the header dict is known: magic, version and the length field.
constexpr size_t kPreambleV1 = 10;
constexpr size_t kPreambleV2 = 12;

std::string ioError(const std::string& action, const std::string& path) {
  return "cannot " + action + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

Header parseHeader(std::span<const uint8_t> bytes, const std::string& source) {
  if (bytes.size() < kMagic.size() ||
      std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    throw Error(source + ": not a .npy file (it does not start with the \\x93NUMPY magic)");
  }
  if (bytes.size() < kPreambleV1) throw Error(source + ": truncated .npy header");
  int major = bytes[6];
  int minor = bytes[7];
  size_t preamble = 0;
  if (major == 1) {
    preamble = kPreambleV1;
  } else if (major == 2 || major == 3) {  // 3.0 only changes the dict's encoding to UTF-8
    preamble = kPreambleV2;
  } else {
    throw Error(source + ": .npy format version " + std::to_string(major) + "." +
                std::to_string(minor) + " is not supported (1.0, 2.0 and 3.0 are)");
  }
  if (bytes.size() < preamble) throw Error(source + ": truncated .npy header");
  size_t dictLength = readLittleEndian(bytes.data() + 8, preamble - 8);
  if (bytes.size() < preamble + dictLength) {
    throw Error(source + ": truncated .npy header (" + std::to_string(dictLength) +
                " header bytes announced, " + std::to_string(bytes.size() - preamble) +
                " present)");
  }
  std::string_view dict(reinterpret_cast<const char*>(bytes.data() + preamble), dictLength);

  Header header;
  header.dataOffset = preamble + dictLength;
  std::optional<std::string> descr;
  std::optional<bool> fortranOrder;
  std::optional<Shape> shape;
  for (auto& [key, value] : HeaderDictParser(dict, source).parse()) {
    if (key == "descr") {
      if (value.kind != Literal::Kind::String) {
        throw Error(source + ": structured dtype " + value.source +
                    " is not supported; save a plain numeric array");
      }
      descr = value.text;
    } else if (key == "fortran_order") {
      if (value.kind != Literal::Kind::Bool) throw Error(source + ": fortran_order is not a bool");
      fortranOrder = value.boolean;
    } else if (key == "shape") {
      if (value.kind != Literal::Kind::Tuple) throw Error(source + ": shape is not a tuple");
      shape = Shape(value.integers.begin(), value.integers.end());
    }
  }
  if (!descr || !fortranOrder || !shape) {
    throw Error(source + ": .npy header lacks one of 'descr', 'fortran_order', 'shape'");
  }
  if (*fortranOrder) {
    throw Error(source +
                ": Fortran-ordered arrays are not supported; save a C-ordered copy "
                "(np.save(path, np.ascontiguousarray(a)))");
  }
  header.dtype = dtypeForDescr(*descr, source);
  header.shape = std::move(*shape);
  return header;
}

std::string descrFor(DType dtype) {
  for (const DescrEntry& entry : kDescrs) {
    if (entry.dtype == dtype) {
      return std::string(elementSize(dtype) == 1 ? "|" : "<") + std::string(entry.code);
    }
  }
  throw Error("dtype " + std::string(dtypeName(dtype)) + " has no .npy equivalent");
}

std::string encodeHeader(DType dtype, const Shape& shape) {
  // Same text as numpy's own writer: the shape is printed like a Python tuple.
  std::string shapeText = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) shapeText += ", ";
    shapeText += std::to_string(shape[i]);
  }
  if (shape.size() == 1) shapeText += ",";
  shapeText += ")";
  std::string dict =
      "{'descr': '" + descrFor(dtype) + "', 'fortran_order': False, 'shape': " + shapeText + ", }";

  bool version1 = dict.size() + 1 + kPreambleV1 + kAlignment <= 65535;
  size_t preamble = version1 ? kPreambleV1 : kPreambleV2;
  size_t unpadded = preamble + dict.size() + 1;  // +1 for the closing newline
  dict.append((kAlignment - unpadded % kAlignment) % kAlignment, ' ');
  dict += '\n';

  std::string header(kMagic);
  header += static_cast<char>(version1 ? 1 : 2);
  header += '\0';
  size_t length = dict.size();
  for (size_t i = 0; i < preamble - 8; ++i) header += static_cast<char>((length >> (8 * i)) & 0xff);
  return header + dict;
}

Tensor decode(std::span<const uint8_t> bytes, const std::string& source) {
  Header header = parseHeader(bytes, source);
  size_t needed = dataBytes(header, source);
  size_t available = bytes.size() - header.dataOffset;
  if (available < needed) {
    throw Error(source + ": .npy data is truncated (" + std::to_string(needed) +
                " bytes expected for " + shapeToString(header.shape) + " " +
                std::string(dtypeName(header.dtype)) + ", " + std::to_string(available) +
                " present)");
  }
  Tensor tensor(header.dtype, header.shape);
  if (needed) std::memcpy(tensor.mutableRawData(), bytes.data() + header.dataOffset, needed);
  return tensor;
}

Tensor readFile(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(ioError("open", path));
  size_t fileSize = static_cast<size_t>(in.tellg());
  in.seekg(0);

  // Read the fixed preamble, then the dict whose length it announces.
  std::vector<uint8_t> head(std::min(fileSize, kPreambleV2));
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  size_t dictLength = 0;
  if (head.size() >= kPreambleV1 && std::memcmp(head.data(), kMagic.data(), kMagic.size()) == 0) {
    size_t preamble = head[6] == 1 ? kPreambleV1 : kPreambleV2;
    if (head.size() >= preamble) {
      dictLength = readLittleEndian(head.data() + 8, preamble - 8);
      size_t headerSize = std::min(fileSize, preamble + dictLength);
      size_t have = head.size();
      head.resize(headerSize);
      if (headerSize > have) {
        in.read(reinterpret_cast<char*>(head.data() + have),
                static_cast<std::streamsize>(headerSize - have));
      }
    }
  }
  Header header = parseHeader(head, path);

  size_t needed = dataBytes(header, path);
  size_t available = fileSize - header.dataOffset;
  if (available < needed) {
    throw Error(path + ": .npy data is truncated (" + std::to_string(needed) +
                " bytes expected for " + shapeToString(header.shape) + " " +
                std::string(dtypeName(header.dtype)) + ", " + std::to_string(available) +
                " present)");
  }
  Tensor tensor(header.dtype, header.shape);
  in.seekg(static_cast<std::streamoff>(header.dataOffset));
  if (needed) {
    in.read(static_cast<char*>(tensor.mutableRawData()), static_cast<std::streamsize>(needed));
  }
  if (!in) throw Error(ioError("read", path));
  return tensor;
}

void writeFile(const std::string& path, const Tensor& tensor) {
  Tensor data = tensor.dtype() == DType::BFloat16 ? tensor.to(DType::Float32) : tensor;
  data = data.contiguous();
  std::string header = encodeHeader(data.dtype(), data.shape());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ioError("create", path));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (data.nbytes()) {
    out.write(static_cast<const char*>(data.rawData()),
              static_cast<std::streamsize>(data.nbytes()));
  }
  out.close();
  if (!out) throw Error(ioError("write", path));
}

}  // namespace ts2coreml::npy
