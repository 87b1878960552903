// The .debug_pkl records beside each code file: byte ranges of the serialized code mapped to the
// original Python source file and line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"

namespace ts2coreml::archive {

struct DebugRange {
  size_t start = 0;  // byte offset in the code file
  size_t end = 0;    // exclusive
  std::string pythonFile;
  int pythonLine = 0;
};

// Decodes an unpickled .debug_pkl value (both the string-table format and the older inline one).
// Records that cannot be decoded are skipped: debug information is never essential.
std::vector<DebugRange> decodeDebugRecords(const IValue& records, size_t codeSize);

// The record covering `byteOffset`, if any.
std::optional<DebugRange> findDebugRange(const std::vector<DebugRange>& ranges, size_t byteOffset);

}  // namespace ts2coreml::archive
