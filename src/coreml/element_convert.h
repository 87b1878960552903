// Streaming element conversion between dtypes, used to write tensors (possibly strided views into
// a memory-mapped archive) chunk by chunk without materialising a converted copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/tensor.h"

namespace ts2coreml::coreml {

// Calls `sink(bytes, byteCount)` with consecutive pieces of `tensor`'s elements in row-major
// order, converted to `target`. A contiguous tensor already in `target` is handed over in one
// piece straight from its memory; otherwise pieces of at most `chunkElements` elements are
// converted into a scratch buffer. Float targets use round-to-nearest-even (fp16, bf16).
void streamConverted(const Tensor& tensor, DType target,
                     const std::function<void(const uint8_t*, size_t)>& sink,
                     size_t chunkElements = 1 << 16);

}  // namespace ts2coreml::coreml
