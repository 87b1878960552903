#include "archive/torchscript_archive.h"

#include <cstdint>
#include <cstring>

#include "archive/unpickler.h"
#include "core/error.h"

namespace ts2coreml::archive {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The format version: `.data/version` first (written from version 6 on), then `version`.
int64_t readVersion(const TorchScriptArchive& archive) {
  for (const char* name : {".data/version", "version"}) {
    if (!archive.has(name)) continue;
    const std::string text = trimmed(archive.readText(name));
    size_t used = 0;
    int64_t version = 0;
    try {
      version = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || version <= 0) {
      throw Error(archive.path() + ": " + archive.prefix() + name + " holds '" + text +
                  "', not a format version number");
    }
    return version;
  }
  throw Error(archive.path() + ": not a TorchScript archive (no " + archive.prefix() +
              ".data/version or " + archive.prefix() + "version record)");
}

}  // namespace

TorchScriptArchive TorchScriptArchive::open(const std::string& path) {
  return fromZip(std::make_shared<const ZipReader>(ZipReader::open(path)));
}

TorchScriptArchive TorchScriptArchive::fromBytes(ArchiveBytes bytes) {
  return fromZip(std::make_shared<const ZipReader>(ZipReader::fromBytes(std::move(bytes))));
}

TorchScriptArchive TorchScriptArchive::fromZip(std::shared_ptr<const ZipReader> zip) {
  TorchScriptArchive archive;
  archive.zip_ = std::move(zip);
  const std::string& path = archive.path();
  const auto& entries = archive.zip_->entries();
  if (entries.empty()) throw Error(path + ": not a TorchScript archive (an empty zip file)");
  const size_t slash = entries.front().name.find('/');
  if (slash == std::string::npos || slash == 0) {
    throw Error(path + ": not a TorchScript archive (its entries are not under one top folder)");
  }
  archive.prefix_ = entries.front().name.substr(0, slash + 1);
  if (archive.has("model.json")) {
    throw Error(path + ": legacy TorchScript format (model.json, torch < 1.3) is not supported");
  }
  if (!archive.has("data.pkl")) {
    throw Error(path + ": not a TorchScript archive (no " + archive.prefix_ + "data.pkl)");
  }
  if (archive.codeFiles().empty()) {
    throw Error(path + ": not a TorchScript archive (no " + archive.prefix_ +
                "code/; a file from torch.save rather than torch.jit.save?)");
  }
  archive.version_ = readVersion(archive);
  // Versions above torch's own kMaxSupportedFileFormatVersion (10) are still read: the container
  // did not change; whether the code compiles is the compiler's question.
  if (archive.has("byteorder")) {
    archive.byteorder_ = trimmed(archive.readText("byteorder"));
    if (archive.byteorder_ == "big") {
      throw Error(path + ": big-endian archive (byteorder record 'big') is not supported");
    }
    if (archive.byteorder_ != "little") {
      throw Error(path + ": unknown byteorder '" + archive.byteorder_ + "' in " + archive.prefix_ +
                  "byteorder");
    }
  }
  return archive;
}

bool TorchScriptArchive::has(const std::string& relative) const {
  return zip_->find(prefix_ + relative) != nullptr;
}

std::shared_ptr<Buffer> TorchScriptArchive::read(const std::string& relative) const {
  const ZipEntry* entry = zip_->find(prefix_ + relative);
  if (!entry) throw Error(path() + ": missing archive entry '" + prefix_ + relative + "'");
  return zip_->read(*entry);
}

std::string TorchScriptArchive::readText(const std::string& relative) const {
  auto buffer = read(relative);
  return std::string(reinterpret_cast<const char*>(buffer->data()), buffer->size());
}

std::vector<std::string> TorchScriptArchive::codeFiles() const {
  std::vector<std::string> files;
  const std::string code = prefix_ + "code/";
  for (const auto& entry : zip_->entries()) {
    if (entry.name.rfind(code, 0) == 0 && endsWith(entry.name, ".py")) {
      files.push_back(entry.name.substr(prefix_.size()));
    }
  }
  return files;
}

IValue TorchScriptArchive::loadPickle(const std::string& name, const std::string& recordDir,
                                      bool zeroFillMissingData) const {
  auto bytes = read(name);
  StorageLoader loader = [&](const std::string& key, DType dtype, int64_t numel) {
    const size_t needed = static_cast<size_t>(numel) * elementSize(dtype);
    const ZipEntry* entry = zip_->find(prefix_ + recordDir + key);
    if (!entry) {
      if (zeroFillMissingData) return Buffer::allocate(needed);
      throw Error(path() + ": " + name + ": storage record '" + prefix_ + recordDir + key +
                  "' is missing");
    }
    auto record = zip_->read(*entry);
    if (record->size() < needed) {
      if (zeroFillMissingData) return Buffer::allocate(needed);
      throw Error(path() + ": " + name + ": storage record '" + prefix_ + recordDir + key +
                  "' holds " + std::to_string(record->size()) + " bytes, fewer than its " +
                  std::to_string(numel) + " " + std::string(dtypeName(dtype)) + " elements need");
    }
    // Stored records are views into the file. torch pads them to 64-byte offsets, but an archive
    // rewritten by another zip tool need not be: a misaligned view would make every typed
    // access to the tensor undefined behaviour, so such a record is copied (aligned) instead.
    if (reinterpret_cast<uintptr_t>(record->data()) % elementSize(dtype) != 0) {
      auto aligned = Buffer::allocate(record->size());
      std::memcpy(aligned->mutableData(), record->data(), record->size());
      return aligned;
    }
    return record;
  };
  return unpickle(*bytes, path() + ": " + name, loader);
}

IValue TorchScriptArchive::loadData() const {
  return loadPickle("data.pkl", "data/");
}

IValue TorchScriptArchive::loadConstants() const {
  if (!has("constants.pkl")) return IValue::tuple({});  // archives without constants
  return loadPickle("constants.pkl", "constants/");
}

std::optional<IValue> TorchScriptArchive::loadTracedInputs() const {
  if (!has("traced_inputs.pkl")) return std::nullopt;
  return loadPickle("traced_inputs.pkl", "traced_inputs/", /*zeroFillMissingData=*/true);
}

std::vector<DebugRange> TorchScriptArchive::debugRanges(const std::string& codeFile) const {
  const std::string name = codeFile + ".debug_pkl";
  if (!has(name)) return {};
  StorageLoader noTensors = [&](const std::string&, DType, int64_t) -> std::shared_ptr<Buffer> {
    throw Error(path() + ": " + name + ": a debug record refers to a tensor storage");
  };
  try {
    IValue records = unpickle(*read(name), path() + ": " + name, noTensors);
    return decodeDebugRecords(records, read(codeFile)->size());
  } catch (const Error&) {
    return {};  // debug records only improve messages; a damaged one must not stop a conversion
  }
}

}  // namespace ts2coreml::archive
