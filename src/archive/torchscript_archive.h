// A TorchScript archive written by torch.jit.save: its records (all under one top folder), the
// pickles with tensors as views into the memory-mapped file, the code files and their debug
// records. Copies are cheap and share the mapping.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/debug_records.h"
#include "archive/zip_reader.h"
#include "core/ivalue.h"

namespace ts2coreml::archive {

class TorchScriptArchive {
 public:
  // Throws Error naming the file and the problem: missing, not a zip, truncated, no data.pkl or
  // code/ (not written by torch.jit.save), no version record, big-endian, legacy format.
  static TorchScriptArchive open(const std::string& path);
  // The same checks over an archive already in memory (e.g. torch.jit.save into a buffer);
  // records are views into `bytes`, which they keep alive through `bytes.owner`.
  static TorchScriptArchive fromBytes(ArchiveBytes bytes);

  const std::string& path() const { return zip_->path(); }
  // The top folder with its slash, e.g. "model/", taken from the first entry as torch does.
  const std::string& prefix() const { return prefix_; }
  // From `.data/version` (format >= 6), else `version`. Not the torch release: 1.13 and 2.x
  // both write 3 unless the model uses an op whose semantics changed later (div, full, gelu...).
  int64_t version() const { return version_; }
  // The `byteorder` record of torch >= 2.0, "little" when absent; "big" is refused at open.
  const std::string& byteorder() const { return byteorder_; }

  // Names are relative to the prefix, e.g. "code/__torch__.py".
  bool has(const std::string& relative) const;
  // Stored records are zero-copy views into the mapping. Throws Error if absent.
  std::shared_ptr<Buffer> read(const std::string& relative) const;
  std::string readText(const std::string& relative) const;
  // Every "code/....py" record, in archive order.
  std::vector<std::string> codeFiles() const;

  IValue loadData() const;       // data.pkl: the module object tree, storages from data/
  IValue loadConstants() const;  // constants.pkl: the CONSTANTS.cN tuple, storages from constants/
  // traced_inputs.pkl (torch >= 2.0 traced modules): {"forward": [example inputs]}. torch writes
  // these storage records empty, so the tensors carry dtype and shape but zero-filled data.
  std::optional<IValue> loadTracedInputs() const;
  // The records of "<codeFile>.debug_pkl" (empty when absent or unreadable: they only improve
  // messages). Look one up with findDebugRange(ranges, byteOffset).
  std::vector<DebugRange> debugRanges(const std::string& codeFile) const;

 private:
  static TorchScriptArchive fromZip(std::shared_ptr<const ZipReader> zip);
  // `zeroFillMissingData`: a storage record that is absent or too short becomes zero-filled
  // (only for traced inputs, whose data torch does not keep).
  IValue loadPickle(const std::string& name, const std::string& recordDir,
                    bool zeroFillMissingData = false) const;

  std::shared_ptr<const ZipReader> zip_;
  std::string prefix_;
  int64_t version_ = 0;
  std::string byteorder_ = "little";
};

}  // namespace ts2coreml::archive
