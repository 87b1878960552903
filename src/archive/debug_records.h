// The .debug_pkl record beside each code file: which byte ranges of the serialized code were
// generated from which original Python file and line.
//
// Layout (torch 1.13 and 2.13 alike, checked by unpickling real archives):
//   ('FORMAT_WITH_STRING_TABLE', strings,
//    ((code_offset, ((text_pieces, file_index, first_line), source_start, source_end), handle),
//     ...))
// text_pieces is a build_intlist of string-table indices whose concatenation is the original
// source text (e.g. one method), first_line is the file line of that text's first line, and
// source_start/end are offsets into the text. A record covers the code from its offset up to
// the next record's offset. Older archives store the text and file name inline instead of
// string-table indices and have no handle.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"

namespace ts2coreml::archive {

struct DebugRange {
  size_t start = 0;  // byte offset in the serialized code file
  size_t end = 0;    // exclusive
  std::string pythonFile;
  int pythonLine = 0;  // 1-based line in pythonFile, as torch prints `# file.py:LINE:COL`
};

// Decodes an unpickled .debug_pkl value; `codeSize` ends the last range. Records without a
// source file (torch writes some for generated code) and records that cannot be decoded are
// skipped: debug information is never essential.
std::vector<DebugRange> decodeDebugRecords(const IValue& records, size_t codeSize);

// The innermost (shortest) range containing `byteOffset`, if any.
std::optional<DebugRange> findDebugRange(const std::vector<DebugRange>& ranges, size_t byteOffset);

}  // namespace ts2coreml::archive
