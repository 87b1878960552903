#include "cli/input_spec.h"

#include <cctype>
#include <charconv>
#include <cmath>
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

// Image inputs are named in the dtype slot: image (RGB), image-rgb, image-bgr, image-gray.
std::optional<ColorLayout> imageLayout(const std::string& name) {
  if (name == "image" || name == "image-rgb") return ColorLayout::RGB;
  if (name == "image-bgr") return ColorLayout::BGR;
  if (name == "image-gray") return ColorLayout::Grayscale;
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
    // Two parts are NAME:DIMS or DIMS:DTYPE; dims start with a digit or '(', names never do.
    if (parts.size() == 3 ||
        (parts.size() == 2 && !std::isdigit(static_cast<unsigned char>(parts[0].c_str()[0])) &&
         parts[0].c_str()[0] != '(')) {
      spec.name = parts[0];
      if (spec.name.empty()) fail("empty input name before ':'");
      if (!isIdentifier(spec.name)) fail("'" + spec.name + "' is not a valid input name");
      dimsIndex = 1;
    }
    std::vector<std::string> shapes = split(parts[dimsIndex], ',');
    if (shapes.size() == 1) {
      spec.shape = parseDims(shapes[0], &spec.ranges);
      bool anyFlexible = false;
      for (const DimRange& range : spec.ranges) anyFlexible |= !range.isFixed();
      if (!anyFlexible) spec.ranges.clear();
    } else {
      // Enumerated shapes: the first one is the default.
      for (const std::string& text : shapes) spec.enumerated.push_back(parseDims(text, nullptr));
      spec.shape = spec.enumerated.front();
      for (const Shape& shape : spec.enumerated) {
        if (shape.size() != spec.shape.size())
          fail("enumerated shapes " + shapeToString(spec.shape) + " and " + shapeToString(shape) +
               " differ in rank");
      }
    }
    if (dimsIndex + 1 < parts.size()) {
      const std::string& dtypeName = parts[dimsIndex + 1];
      if (std::optional<ColorLayout> layout = imageLayout(dtypeName)) {
        spec.image = ImageInput{*layout, 1.0f, {}};
      } else if (std::optional<DType> dtype = specDtype(dtypeName)) {
        spec.dtype = *dtype;
      } else {
        fail("unknown dtype '" + dtypeName + "' (expected one of " + kSpecDtypes + ")");
      }
    }
    return spec;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("--input '" + text_ + "': " + what);
  }

  int64_t parseSize(const std::string& dim) const {
    if (!allDigits(dim)) fail("'" + dim + "' is not a dimension");
    int64_t value = 0;
    auto [end, error] = std::from_chars(dim.data(), dim.data() + dim.size(), value);
    if (error != std::errc() || end != dim.data() + dim.size()) {
      fail("dimension " + dim + " is too large");
    }
    if (value == 0) fail("dimension 0 is not allowed (every dimension must be at least 1)");
    return value;
  }

  // "(LOWER..UPPER)" or "(LOWER..)" (unbounded) -> a range.
  DimRange parseRange(const std::string& dim) const {
    size_t dots = dim.find("..");
    if (dim.back() != ')' || dots == std::string::npos)
      fail("'" + dim + "' is not a range (write (LOWER..UPPER) or (LOWER..))");
    DimRange range;
    range.lower = parseSize(dim.substr(1, dots - 1));
    std::string upper = dim.substr(dots + 2, dim.size() - dots - 3);
    range.upper = upper.empty() ? -1 : parseSize(upper);
    if (range.upper != -1 && range.upper < range.lower)
      fail("range '" + dim + "' is empty (upper bound below lower bound)");
    return range;
  }

  // DIMS joined by 'x'. With `ranges`, a dimension may be a range (the shape takes its lower
  // bound); every dimension gets an entry there.
  Shape parseDims(const std::string& dims, std::vector<DimRange>* ranges) const {
    if (dims.empty()) fail("missing dimensions (e.g. 1x3x64x64)");
    Shape shape;
    for (const std::string& dim : split(dims, 'x')) {
      if (dim.empty()) fail("empty dimension in '" + dims + "' (dimensions are joined by 'x')");
      if (dim[0] == '(') {
        if (!ranges) fail("enumerated shapes cannot have ranges ('" + dim + "')");
        DimRange range = parseRange(dim);
        ranges->push_back(range);
        shape.push_back(range.lower);
        continue;
      }
      int64_t value = parseSize(dim);
      if (ranges) ranges->push_back({value, value});
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

namespace {

// The text after NAME= of a constant: None, True/False, an integer, a float, or a str (quoted
// with ' or ", or any other text as it is).
ConstantValue parseConstantValue(const std::string& text) {
  if (text == "None") return std::monostate{};
  if (text == "True" || text == "true") return true;
  if (text == "False" || text == "false") return false;
  if (text.size() >= 2 && (text[0] == '\'' || text[0] == '"') && text.back() == text[0])
    return text.substr(1, text.size() - 2);
  int64_t integer = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (error == std::errc() && end == text.data() + text.size()) return integer;
  double real = 0;
  auto [realEnd, realError] = std::from_chars(text.data(), text.data() + text.size(), real);
  if (realError == std::errc() && realEnd == text.data() + text.size() && std::isfinite(real))
    return real;
  return text;
}

}  // namespace

InputSpec parseInputSpec(const std::string& text) {
  // NAME=VALUE fixes a parameter that is not a tensor; shapes never hold '='.
  size_t equals = text.find('=');
  if (equals != std::string::npos && text.find(':') > equals) {
    InputSpec spec;
    spec.name = text.substr(0, equals);
    if (!isIdentifier(spec.name))
      throw Error("--input '" + text + "': '" + spec.name + "' is not a valid parameter name");
    spec.constant = parseConstantValue(text.substr(equals + 1));
    return spec;
  }
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

namespace ts2coreml::cli {

OutputSpec parseOutputSpec(const std::string& text) {
  OutputSpec spec;
  size_t colon = text.find(':');
  spec.name = text.substr(0, colon);
  if (!spec.name.empty() && !isIdentifier(spec.name))
    throw Error("--output-spec '" + text + "': '" + spec.name + "' is not a valid output name");
  if (colon != std::string::npos) {
    std::string dtype = text.substr(colon + 1);
    if (dtype == "float32")
      spec.dtype = DType::Float32;
    else if (dtype == "float16")
      spec.dtype = DType::Float16;
    else if (dtype == "int32")
      spec.dtype = DType::Int32;
    else
      throw Error("--output-spec '" + text + "': unknown dtype '" + dtype +
                  "' (expected float32, float16 or int32)");
  }
  if (spec.name.empty() && !spec.dtype)
    throw Error("--output-spec '" + text + "': give a NAME, a :DTYPE or both");
  return spec;
}

std::pair<std::string, std::string> splitAssignment(const std::string& text,
                                                    const std::string& option) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    throw Error(option + " '" + text + "': expected NAME=VALUE");
  return {text.substr(0, equals), text.substr(equals + 1)};
}

float parseFloat(const std::string& text, const std::string& where) {
  try {
    size_t used = 0;
    float value = std::stof(text, &used);
    if (used == text.size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw Error(where + ": '" + text + "' is not a number");
}

}  // namespace ts2coreml::cli
