// The text of data/op_schemas.txt, compiled in by CMake (embed_schemas.cmake writes the .cc).
// It is split into chunks because compilers limit the length of one string literal.
#pragma once

#include <cstddef>

namespace ts2coreml::torchscript::schema {

extern const char* const kOpSchemaChunks[];
extern const size_t kOpSchemaChunkCount;

}  // namespace ts2coreml::torchscript::schema
