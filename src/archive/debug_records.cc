#include "archive/debug_records.h"

#include <algorithm>

namespace ts2coreml::archive {

namespace {

// (text, file, startingLine) with text either a string or a list of string-table indices.
struct Source {
  std::string text;
  std::string file;
  int64_t startingLine = 0;
};

std::optional<Source> decodeSource(const IValue& source, const std::vector<IValue>* strings) {
  if (!source.isTuple() || source.items().size() < 3) return std::nullopt;
  const auto& parts = source.items();
  Source decoded;
  auto stringAt = [&](const IValue& index) -> std::optional<std::string> {
    if (index.isString()) return index.toString();
    if (strings && index.isInt() && index.toInt() >= 0 &&
        static_cast<size_t>(index.toInt()) < strings->size() &&
        (*strings)[static_cast<size_t>(index.toInt())].isString()) {
      return (*strings)[static_cast<size_t>(index.toInt())].toString();
    }
    return std::nullopt;
  };
  if (parts[0].isList() || parts[0].isTuple()) {
    for (const IValue& piece : parts[0].items()) {
      auto text = stringAt(piece);
      if (!text) return std::nullopt;
      decoded.text += *text;
    }
  } else if (auto text = stringAt(parts[0])) {
    decoded.text = *text;
  } else {
    return std::nullopt;
  }
  auto file = stringAt(parts[1]);
  if (!file || !parts[2].isInt()) return std::nullopt;
  decoded.file = *file;
  decoded.startingLine = parts[2].toInt();
  return decoded;
}

}  // namespace

std::vector<DebugRange> decodeDebugRecords(const IValue& root, size_t codeSize) {
  const std::vector<IValue>* strings = nullptr;
  const IValue* records = &root;
  if (root.isTuple() && root.items().size() == 3 && root.items()[0].isString() &&
      root.items()[0].toString() == "FORMAT_WITH_STRING_TABLE") {
    strings = &root.items()[1].items();
    records = &root.items()[2];
  }
  if (!records->isTuple() && !records->isList()) return {};
  std::vector<DebugRange> ranges;
  const auto& items = records->items();
  for (size_t i = 0; i < items.size(); ++i) {
    // (byte_offset, (source, range_start, range_end)[, debug_handle])
    if (!items[i].isTuple() || items[i].items().size() < 2 || !items[i].items()[0].isInt())
      continue;
    const auto& record = items[i].items();
    size_t start = static_cast<size_t>(record[0].toInt());
    size_t end = codeSize;
    if (i + 1 < items.size() && items[i + 1].isTuple() && !items[i + 1].items().empty() &&
        items[i + 1].items()[0].isInt()) {
      end = static_cast<size_t>(items[i + 1].items()[0].toInt());
    }
    const IValue& range = record[1];
    if (!range.isTuple() || range.items().size() < 3 || !range.items()[1].isInt()) continue;
    auto source = decodeSource(range.items()[0], strings);
    if (!source || source->file.empty()) continue;
    size_t offset = std::min(static_cast<size_t>(std::max<int64_t>(0, range.items()[1].toInt())),
                             source->text.size());
    int line = static_cast<int>(source->startingLine) +
               static_cast<int>(std::count(source->text.begin(),
                                           source->text.begin() + static_cast<long>(offset), '\n'));
    ranges.push_back({start, end, source->file, line});
  }
  return ranges;
}

std::optional<DebugRange> findDebugRange(const std::vector<DebugRange>& ranges, size_t byteOffset) {
  // torch's records are consecutive, but nested ranges (if any) resolve to the innermost one.
  const DebugRange* best = nullptr;
  for (const auto& range : ranges) {
    if (byteOffset >= range.start && byteOffset < range.end &&
        (!best || range.end - range.start < best->end - best->start)) {
      best = &range;
    }
  }
  if (!best) return std::nullopt;
  return *best;
}

}  // namespace ts2coreml::archive
