// Element types shared by the archive reader, the IR, the backends and the runtime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ts2coreml {

enum class DType : uint8_t {
  Bool,
  UInt8,
  Int8,
  Int16,
  Int32,
  Int64,
  Float16,
  BFloat16,
  Float32,
  Float64,
};

size_t elementSize(DType dtype);
// Lower-case names as used on the CLI and in the IR text: "float32", "int64", "bool", ...
std::string_view dtypeName(DType dtype);
std::optional<DType> dtypeFromName(std::string_view name);
bool isFloatingPoint(DType dtype);
bool isIntegral(DType dtype);  // bool excluded

// torch's c10::ScalarType codes, as printed in TorchScript (`dtype=6`) and used by storages.
std::optional<DType> dtypeFromTorchScalarType(int64_t code);
int64_t torchScalarType(DType dtype);
// "FloatStorage" -> Float32 (names of the pickled storage globals).
std::optional<DType> dtypeFromStorageName(std::string_view name);

// IEEE half precision conversion with round-to-nearest-even, used both for fp16 weights and for
// emulating fp16 arithmetic in the runtime.
uint16_t floatToHalf(float value);
float halfToFloat(uint16_t bits);
inline float roundToHalf(float value) {
  return halfToFloat(floatToHalf(value));
}
uint16_t floatToBFloat16(float value);
float bfloat16ToFloat(uint16_t bits);

// One element at `p` of type `dtype` as a double, and the reverse (integers truncate, floats
// round to nearest even). Used for dtype conversion wherever a tensor is converted or streamed.
double loadElement(const uint8_t* p, DType dtype);
void storeElement(uint8_t* p, DType dtype, double value);

}  // namespace ts2coreml
