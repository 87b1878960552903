#include "cli/input_spec.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "core/error.h"

namespace ts2coreml::cli {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

bool allDigits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Only the dtypes a model input can have in Core ML (through a cast for int64/bool).
std::optional<DType> specDtype(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "float16") return DType::Float16;
  if (name == "int32") return DType::Int32;
  if (name == "int64") return DType::Int64;
  if (name == "bool") return DType::Bool;
  return std::nullopt;
}

class SpecParser {
 public:
  explicit SpecParser(const std::string& text) : text_(text) {}

  InputSpec parse() {
    if (text_.empty()) fail("empty spec; expected [NAME:]DIMS[:DTYPE], e.g. 1x3x64x64");
    std::vector<std::string> parts = split(text_, ':');
    if (parts.size() > 3) fail("too many ':' (expected [NAME:]DIMS[:DTYPE])");

    InputSpec spec;
    size_t dimsIndex = 0;
    // Two parts are NAME:DIMS or DIMS:DTYPE; dims start with a digit, names never do.
    if (parts.size() == 3 ||
        (parts.size() == 2 && !std::isdigit(static_cast<unsigned char>(parts[0].c_str()[0])))) {
      spec.name = parts[0];
      if (spec.name.empty()) fail("empty input name before ':'");
      if (!isIdentifier(spec.name)) fail("'" + spec.name + "' is not a valid input name");
      dimsIndex = 1;
    }
    spec.shape = parseDims(parts[dimsIndex]);
    if (dimsIndex + 1 < parts.size()) {
      const std::string& dtypeName = parts[dimsIndex + 1];
      std::optional<DType> dtype = specDtype(dtypeName);
      if (!dtype) {
        fail("unknown dtype '" + dtypeName + "' (expected one of " + kSpecDtypes + ")");
      }
      spec.dtype = *dtype;
    }
    return spec;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("--input '" + text_ + "': " + what);
  }

  Shape parseDims(const std::string& dims) const {
    if (dims.empty()) fail("missing dimensions (e.g. 1x3x64x64)");
    Shape shape;
    for (const std::string& dim : split(dims, 'x')) {
      if (dim.empty()) fail("empty dimension in '" + dims + "' (dimensions are joined by 'x')");
      if (!allDigits(dim)) fail("'" + dim + "' is not a dimension");
      int64_t value = 0;
      auto [end, error] = std::from_chars(dim.data(), dim.data() + dim.size(), value);
      if (error != std::errc() || end != dim.data() + dim.size()) {
        fail("dimension " + dim + " is too large");
      }
      if (value == 0) fail("dimension 0 is not allowed (every dimension must be at least 1)");
      shape.push_back(value);
    }
    return shape;
  }

  const std::string& text_;
};

}  // namespace

bool isIdentifier(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

InputSpec parseInputSpec(const std::string& text) {
  return SpecParser(text).parse();
}

InputFileBinding parseInputFileBinding(const std::string& text) {
  InputFileBinding binding;
  size_t equals = text.find('=');
  if (equals != std::string::npos && isIdentifier(text.substr(0, equals))) {
    binding.name = text.substr(0, equals);
    binding.path = text.substr(equals + 1);
  } else {
    binding.path = text;
  }
  if (binding.path.empty()) throw Error("--input '" + text + "': missing .npy file name");
  return binding;
}

}  // namespace ts2coreml::cli
