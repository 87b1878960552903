#include "runtime/mil/mil_const_decoder.h"

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "coreml/package_links.h"
#include "runtime/mil/mil_program.h"

namespace ts2coreml::runtime::mil {

namespace MILSpec = CoreML::Specification::MILSpec;

const coreml::WeightBlobReader& WeightFiles::open(const std::string& fileName) {
  const std::string base = std::filesystem::path(fileName).filename().string();
  auto it = files_.find(base);
  if (it != files_.end()) return *it->second;
  if (dir_.empty()) {
    throw Error("weight file '" + fileName +
                "' is referenced but the model has no weights directory");
  }
  // Only weight.bin is checked when a package is opened (coreml::readPackage); the other files a
  // model names must not lead out of it either.
  if (packageRoot_.empty()) {
    coreml::requireNoLinkOutside(dir_, base, "the model's weights", "the weights folder");
  } else {
    const auto inPackage = std::filesystem::path(dir_).lexically_relative(packageRoot_) / base;
    coreml::requireNoLinkOutside(packageRoot_, inPackage.string(), "the model's weights");
  }
  auto reader =
      std::make_unique<coreml::WeightBlobReader>((std::filesystem::path(dir_) / base).string());
  return *files_.emplace(base, std::move(reader)).first->second;
}

namespace {

template <typename Repeated, typename T>
void copyValues(const Repeated& values, Tensor& tensor, const std::string& where) {
  if (static_cast<int64_t>(values.size()) != tensor.numel()) {
    throw Error::at(where, "immediate value has " + std::to_string(values.size()) +
                               " elements, its type " + shapeToString(tensor.shape()) + " needs " +
                               std::to_string(tensor.numel()));
  }
  // The proto field's element type may differ from the tensor's (ints for int16, ...).
  Tensor source(sizeof(T) == 4 && std::is_floating_point_v<T> ? DType::Float32
                : std::is_same_v<T, double>                   ? DType::Float64
                : std::is_same_v<T, int64_t>                  ? DType::Int64
                : std::is_same_v<T, bool>                     ? DType::Bool
                                                              : DType::Int32,
                tensor.shape());
  for (int i = 0; i < values.size(); ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      source.mutableData<uint8_t>()[i] = values.Get(i) ? 1 : 0;
    } else {
      source.mutableData<T>()[i] = values.Get(i);
    }
  }
  tensor = source.to(tensor.dtype());
}

}  // namespace

MilValue decodeValue(const MILSpec::Value& value, WeightFiles& weights, const std::string& where) {
  ValueSpec spec = valueSpecOf(value.type(), "", where);
  if (spec.isString) {
    const auto& tensor = value.immediatevalue().tensor();
    if (!value.has_immediatevalue() || !tensor.has_strings() ||
        tensor.strings().values_size() != 1) {
      throw Error::at(where, "a string value must be one immediate string");
    }
    return MilValue(tensor.strings().values(0));
  }
  if (!spec.dtype)
    throw Error::at(where, "value type " + spec.describe() + " is not supported by the runtime");
  for (int64_t dim : spec.shape) {
    if (dim < 0)
      throw Error::at(where, "a constant must have a fully known shape, not " + spec.describe());
  }
  if (value.has_blobfilevalue()) {
    const auto& blob = value.blobfilevalue();
    return MilValue(weights.open(blob.filename()).tensor(blob.offset(), *spec.dtype, spec.shape));
  }
  if (!value.has_immediatevalue() || !value.immediatevalue().has_tensor()) {
    throw Error::at(where, "only tensor immediate values and blob-file values are supported");
  }
  const MILSpec::TensorValue& tv = value.immediatevalue().tensor();
  Tensor tensor(*spec.dtype, spec.shape);
  switch (tv.value_case()) {
    case MILSpec::TensorValue::kFloats:
      copyValues<decltype(tv.floats().values()), float>(tv.floats().values(), tensor, where);
      break;
    case MILSpec::TensorValue::kInts:
      copyValues<decltype(tv.ints().values()), int32_t>(tv.ints().values(), tensor, where);
      break;
    case MILSpec::TensorValue::kBools:
      copyValues<decltype(tv.bools().values()), bool>(tv.bools().values(), tensor, where);
      break;
    case MILSpec::TensorValue::kDoubles:
      copyValues<decltype(tv.doubles().values()), double>(tv.doubles().values(), tensor, where);
      break;
    case MILSpec::TensorValue::kLongInts:
      copyValues<decltype(tv.longints().values()), int64_t>(tv.longints().values(), tensor, where);
      break;
    case MILSpec::TensorValue::kBytes: {
      const std::string& bytes = tv.bytes().values();
      if (bytes.size() != tensor.nbytes()) {
        throw Error::at(where, "immediate bytes value has " + std::to_string(bytes.size()) +
                                   " bytes, " + spec.describe() + " needs " +
                                   std::to_string(tensor.nbytes()));
      }
      if (!bytes.empty()) std::memcpy(tensor.mutableRawData(), bytes.data(), bytes.size());
      break;
    }
    default:
      throw Error::at(
          where, "immediate tensor value of " + spec.describe() + " has no supported data field");
  }
  return MilValue(std::move(tensor));
}

}  // namespace ts2coreml::runtime::mil
