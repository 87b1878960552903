// NumPy .npy files <-> ts2coreml::Tensor, so the CLI can feed models and save their outputs in
// the format every Python user already has (np.save / np.load).
//
// Supported: format versions 1.0, 2.0 and 3.0 headers; little-endian (or byte-order-free)
// f2/f4/f8/i1/i2/i4/i8/u1/b1 arrays in C order. Fortran-order, big-endian, object and other
// dtypes are refused with an error that says what the file holds.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/tensor.h"

namespace ts2coreml::npy {

struct Header {
  DType dtype = DType::Float32;
  Shape shape;
  size_t dataOffset = 0;  // bytes from the start of the file to the first element
};

// Parses the magic, version and header dict at the start of `bytes`. `bytes` may be just a prefix
// of the file, as long as it holds the whole header. `source` names the file in errors.
// Throws ts2coreml::Error.
Header parseHeader(std::span<const uint8_t> bytes, const std::string& source);

// The header bytes (magic through the padded dict) for an array of `dtype` and `shape`: version
// 1.0 unless the dict needs more than 65535 bytes, padded so the data starts 64-byte aligned.
std::string encodeHeader(DType dtype, const Shape& shape);

// Decodes a whole .npy image held in memory into a new contiguous tensor.
Tensor decode(std::span<const uint8_t> bytes, const std::string& source);

// Reads `path` into a new contiguous tensor (one read of the data, no intermediate copy).
Tensor readFile(const std::string& path);

// Writes `tensor` to `path`. BFloat16, which NumPy lacks, is written as float32.
void writeFile(const std::string& path, const Tensor& tensor);

// The NumPy dtype string for `dtype` ("<f4", "|b1", ...); throws for BFloat16.
std::string descrFor(DType dtype);

}  // namespace ts2coreml::npy
