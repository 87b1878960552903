#include "core/dtype.h"

#include <bit>
#include <cstring>

namespace ts2coreml {

size_t elementSize(DType dtype) {
  switch (dtype) {
    case DType::Bool:
    case DType::UInt8:
    case DType::Int8:
      return 1;
    case DType::Int16:
    case DType::Float16:
    case DType::BFloat16:
      return 2;
    case DType::Int32:
    case DType::Float32:
      return 4;
    case DType::Int64:
    case DType::Float64:
      return 8;
  }
  return 0;
}

std::string_view dtypeName(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return "bool";
    case DType::UInt8:
      return "uint8";
    case DType::Int8:
      return "int8";
    case DType::Int16:
      return "int16";
    case DType::Int32:
      return "int32";
    case DType::Int64:
      return "int64";
    case DType::Float16:
      return "float16";
    case DType::BFloat16:
      return "bfloat16";
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
  }
  return "?";
}

std::optional<DType> dtypeFromName(std::string_view name) {
  for (DType dtype :
       {DType::Bool, DType::UInt8, DType::Int8, DType::Int16, DType::Int32, DType::Int64,
        DType::Float16, DType::BFloat16, DType::Float32, DType::Float64}) {
    if (dtypeName(dtype) == name) return dtype;
  }
  if (name == "fp32" || name == "float") return DType::Float32;
  if (name == "fp16" || name == "half") return DType::Float16;
  if (name == "fp64" || name == "double") return DType::Float64;
  return std::nullopt;
}

bool isFloatingPoint(DType dtype) {
  return dtype == DType::Float16 || dtype == DType::BFloat16 || dtype == DType::Float32 ||
         dtype == DType::Float64;
}

bool isIntegral(DType dtype) {
  return dtype == DType::UInt8 || dtype == DType::Int8 || dtype == DType::Int16 ||
         dtype == DType::Int32 || dtype == DType::Int64;
}

std::optional<DType> dtypeFromTorchScalarType(int64_t code) {
  switch (code) {
    case 0:
      return DType::UInt8;
    case 1:
      return DType::Int8;
    case 2:
      return DType::Int16;
    case 3:
      return DType::Int32;
    case 4:
      return DType::Int64;
    case 5:
      return DType::Float16;
    case 6:
      return DType::Float32;
    case 7:
      return DType::Float64;
    case 11:
      return DType::Bool;
    case 15:
      return DType::BFloat16;
    default:
      return std::nullopt;
  }
}

int64_t torchScalarType(DType dtype) {
  switch (dtype) {
    case DType::UInt8:
      return 0;
    case DType::Int8:
      return 1;
    case DType::Int16:
      return 2;
    case DType::Int32:
      return 3;
    case DType::Int64:
      return 4;
    case DType::Float16:
      return 5;
    case DType::Float32:
      return 6;
    case DType::Float64:
      return 7;
    case DType::Bool:
      return 11;
    case DType::BFloat16:
      return 15;
  }
  return -1;
}

std::optional<DType> dtypeFromStorageName(std::string_view name) {
  if (name == "FloatStorage") return DType::Float32;
  if (name == "DoubleStorage") return DType::Float64;
  if (name == "HalfStorage") return DType::Float16;
  if (name == "BFloat16Storage") return DType::BFloat16;
  if (name == "LongStorage") return DType::Int64;
  if (name == "IntStorage") return DType::Int32;
  if (name == "ShortStorage") return DType::Int16;
  if (name == "CharStorage") return DType::Int8;
  if (name == "ByteStorage") return DType::UInt8;
  if (name == "BoolStorage") return DType::Bool;
  return std::nullopt;
}

uint16_t floatToHalf(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t exponent = (bits >> 23) & 0xffu;
  uint32_t mantissa = bits & 0x7fffffu;
  if (exponent == 0xff) {  // inf or nan
    return static_cast<uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u : 0u));
  }
  int32_t halfExponent = static_cast<int32_t>(exponent) - 127 + 15;
  if (halfExponent >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow to inf
  if (halfExponent <= 0) {
    // Subnormal half (or zero): shift the mantissa with the implicit bit, rounding to nearest even.
    if (halfExponent < -10) return static_cast<uint16_t>(sign);
    mantissa |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - halfExponent);
    uint32_t halfMantissa = mantissa >> shift;
    uint32_t remainder = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (halfMantissa & 1u))) ++halfMantissa;
    return static_cast<uint16_t>(sign | halfMantissa);
  }
  uint32_t halfBits = sign | (static_cast<uint32_t>(halfExponent) << 10) | (mantissa >> 13);
  uint32_t remainder = mantissa & 0x1fffu;
  // A carry out of the mantissa correctly bumps the exponent (and may reach inf).
  if (remainder > 0x1000u || (remainder == 0x1000u && (halfBits & 1u))) ++halfBits;
  return static_cast<uint16_t>(halfBits);
}

float halfToFloat(uint16_t half) {
  uint32_t sign = (static_cast<uint32_t>(half) & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1fu;
  uint32_t mantissa = half & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int32_t e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  return std::bit_cast<float>(bits);
}

uint16_t floatToBFloat16(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);
  uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

float bfloat16ToFloat(uint16_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

double loadElement(const uint8_t* p, DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return *p ? 1.0 : 0.0;
    case DType::UInt8:
      return *p;
    case DType::Int8:
      return static_cast<int8_t>(*p);
    case DType::Int16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case DType::Int32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DType::Int64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return static_cast<double>(v);
    }
    case DType::Float16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return halfToFloat(v);
    }
    case DType::BFloat16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return bfloat16ToFloat(v);
    }
    case DType::Float32: {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DType::Float64: {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
  return 0;
}

void storeElement(uint8_t* p, DType dtype, double value) {
  switch (dtype) {
    case DType::Bool:
      *p = value != 0.0;
      break;
    case DType::UInt8:
      *p = static_cast<uint8_t>(static_cast<int64_t>(value));
      break;
    case DType::Int8:
      *p = static_cast<uint8_t>(static_cast<int8_t>(value));
      break;
    case DType::Int16: {
      auto v = static_cast<int16_t>(value);
      std::memcpy(p, &v, 2);
      break;
    }
    case DType::Int32: {
      auto v = static_cast<int32_t>(value);
      std::memcpy(p, &v, 4);
      break;
    }
    case DType::Int64: {
      auto v = static_cast<int64_t>(value);
      std::memcpy(p, &v, 8);
      break;
    }
    case DType::Float16: {
      auto v = floatToHalf(static_cast<float>(value));
      std::memcpy(p, &v, 2);
      break;
    }
    case DType::BFloat16: {
      auto v = floatToBFloat16(static_cast<float>(value));
      std::memcpy(p, &v, 2);
      break;
    }
    case DType::Float32: {
      auto v = static_cast<float>(value);
      std::memcpy(p, &v, 4);
      break;
    }
    case DType::Float64:
      std::memcpy(p, &value, 8);
      break;
  }
}

}  // namespace ts2coreml
