#include "archive/torchscript_archive.h"

#include "archive/pickle_reader.h"
#include "core/error.h"

namespace ts2coreml::archive {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

}  // namespace

TorchScriptArchive TorchScriptArchive::open(const std::string& path) {
  TorchScriptArchive archive;
  archive.zip_ = std::make_shared<ZipArchive>(ZipArchive::open(path));
  const auto& entries = archive.zip_->entries();
  if (entries.empty()) throw Error(path + ": empty zip archive, not a TorchScript archive");
  size_t slash = entries.front().name.find('/');
  if (slash == std::string::npos)
    throw Error(path + ": not a TorchScript archive (entries have no top folder)");
  archive.prefix_ = entries.front().name.substr(0, slash + 1);
  if (archive.has("model.json")) {
    throw Error(path + ": legacy TorchScript format (model.json, torch < 1.3) is not supported");
  }
  if (!archive.has("data.pkl")) {
    throw Error(path + ": not a TorchScript archive (no " + archive.prefix_ + "data.pkl)");
  }
  for (const char* name : {".data/version", "version"}) {
    if (archive.has(name)) {
      std::string text = trimmed(archive.readText(name));
      try {
        archive.version_ = std::stoll(text);
      } catch (const std::exception&) {
        throw Error(path + ": " + name + " holds '" + text + "', not a version number");
      }
      break;
    }
  }
  if (archive.version_ <= 0) {
    throw Error(path + ": not a TorchScript archive (no " + archive.prefix_ +
                ".data/version or version record)");
  }
  // Newer versions than torch's own kMaxSupportedFileFormatVersion (10) are still read: the
  // container did not change; whether the code can be compiled is the compiler's question.
  if (archive.has("byteorder") && trimmed(archive.readText("byteorder")) != "little") {
    throw Error(path + ": big-endian archives are not supported");
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
    if (entry.name.rfind(code, 0) == 0 && entry.name.size() > 3 &&
        entry.name.compare(entry.name.size() - 3, 3, ".py") == 0) {
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
    if (!has(recordDir + key)) {
      if (zeroFillMissingData) return Buffer::allocate(needed);
      throw Error(path() + ": " + name + ": storage record '" + prefix_ + recordDir + key +
                  "' is missing");
    }
    auto record = read(recordDir + key);
    if (zeroFillMissingData && record->size() < needed) return Buffer::allocate(needed);
    return record;
  };
  return readPickle(*bytes, path() + ": " + name, loader);
}

IValue TorchScriptArchive::loadData() const {
  return loadPickle("data.pkl", "data/");
}

IValue TorchScriptArchive::loadConstants() const {
  if (!has("constants.pkl")) return IValue::tuple({});
  return loadPickle("constants.pkl", "constants/");
}

std::optional<IValue> TorchScriptArchive::loadTracedInputs() const {
  if (!has("traced_inputs.pkl")) return std::nullopt;
  return loadPickle("traced_inputs.pkl", "traced_inputs/", /*zeroFillMissingData=*/true);
}

std::vector<DebugRange> TorchScriptArchive::debugRanges(const std::string& codeFile) const {
  std::string name = codeFile + ".debug_pkl";
  if (!has(name)) return {};
  try {
    IValue records = loadPickle(name, "");
    return decodeDebugRecords(records, read(codeFile)->size());
  } catch (const Error&) {
    return {};  // debug records only improve messages; a damaged one must not stop a conversion
  }
}

}  // namespace ts2coreml::archive
