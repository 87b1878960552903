#include "archive/debug_records.h"

#include <algorithm>
#include <unordered_map>

namespace ts2coreml::archive {

namespace {

// One original source text, decoded once however many records share it (torch memoises the
// source tuple, so records point at the same TupleValue).
struct Source {
  std::string file;
  int64_t firstLine = 0;
  std::vector<size_t> newlines;  // offsets of '\n' in the text, ascending
  size_t textSize = 0;

  int lineAt(size_t offset) const {
    offset = std::min(offset, textSize);
    const auto before = std::lower_bound(newlines.begin(), newlines.end(), offset);
    return static_cast<int>(firstLine + (before - newlines.begin()));
  }
};

class SourceDecoder {
 public:
  explicit SourceDecoder(const std::vector<IValue>* strings) : strings_(strings) {}

  // (text or text pieces, file, first_line); nullptr when it has another shape or no file.
  const Source* decode(const IValue& value) {
    if (!value.isTuple()) return nullptr;
    const TupleValue* key = value.toTuple().get();
    if (auto it = cache_.find(key); it != cache_.end()) return it->second ? &*it->second : nullptr;
    std::optional<Source>& slot = cache_[key];
    slot = decodeNew(value.items());
    return slot ? &*slot : nullptr;
  }

 private:
  std::optional<Source> decodeNew(const std::vector<IValue>& parts) const {
    if (parts.size() < 3 || !parts[2].isInt()) return std::nullopt;
    std::string text;
    if (parts[0].isList() || parts[0].isTuple()) {
      for (const IValue& piece : parts[0].items()) {
        const std::string* s = stringOf(piece);
        if (!s) return std::nullopt;
        text += *s;
      }
    } else if (const std::string* s = stringOf(parts[0])) {
      text = *s;
    } else {
      return std::nullopt;
    }
    const std::string* file = stringOf(parts[1]);
    if (!file || file->empty()) return std::nullopt;
    Source source;
    source.file = *file;
    source.firstLine = parts[2].toInt();
    source.textSize = text.size();
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') source.newlines.push_back(i);
    }
    return source;
  }

  // A string, inline or as an index into the string table.
  const std::string* stringOf(const IValue& value) const {
    if (value.isString()) return &value.toString();
    if (!strings_ || !value.isInt() || value.toInt() < 0 ||
        static_cast<size_t>(value.toInt()) >= strings_->size()) {
      return nullptr;
    }
    const IValue& entry = (*strings_)[static_cast<size_t>(value.toInt())];
    return entry.isString() ? &entry.toString() : nullptr;
  }

  const std::vector<IValue>* strings_;
  std::unordered_map<const TupleValue*, std::optional<Source>> cache_;
};

bool isRecord(const IValue& record) {
  return record.isTuple() && record.items().size() >= 2 && record.items()[0].isInt() &&
         record.items()[0].toInt() >= 0;
}

}  // namespace

std::vector<DebugRange> decodeDebugRecords(const IValue& root, size_t codeSize) {
  const std::vector<IValue>* strings = nullptr;
  const IValue* records = &root;
  if (root.isTuple() && root.items().size() == 3 && root.items()[0].isString() &&
      root.items()[0].toString() == "FORMAT_WITH_STRING_TABLE") {
    if (!root.items()[1].isTuple() && !root.items()[1].isList()) return {};
    strings = &root.items()[1].items();
    records = &root.items()[2];
  }
  if (!records->isTuple() && !records->isList()) return {};
  SourceDecoder sources(strings);
  std::vector<DebugRange> ranges;
  const auto& items = records->items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (!isRecord(items[i])) continue;
    const auto& record = items[i].items();
    const size_t start = static_cast<size_t>(record[0].toInt());
    size_t end = codeSize;
    for (size_t j = i + 1; j < items.size(); ++j) {
      if (isRecord(items[j])) {
        end = static_cast<size_t>(items[j].items()[0].toInt());
        break;
      }
    }
    // (source, source_start, source_end)
    const IValue& range = record[1];
    if (end <= start || !range.isTuple() || range.items().size() < 2 || !range.items()[1].isInt()) {
      continue;
    }
    const Source* source = sources.decode(range.items()[0]);
    if (!source) continue;
    const int64_t sourceStart = std::max<int64_t>(0, range.items()[1].toInt());
    ranges.push_back({start, end, source->file, source->lineAt(static_cast<size_t>(sourceStart))});
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
