// A TorchScript archive written by torch.jit.save: its records (under one top folder), pickles
// with tensors as views into the memory-mapped file, code files and their debug records.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/debug_records.h"
#include "archive/zip_archive.h"
#include "core/ivalue.h"

namespace ts2coreml::archive {

class TorchScriptArchive {
 public:
  // Throws Error naming the file and the problem (not a zip, truncated, no data.pkl, ...).
  static TorchScriptArchive open(const std::string& path);

  const std::string& path() const { return zip_->path(); }
  const std::string& prefix() const { return prefix_; }  // "model/"
  int64_t version() const { return version_; }
  std::string byteorder() const { return "little"; }  // big-endian archives are refused at open

  // Names are relative to the prefix, e.g. "code/__torch__.py".
  bool has(const std::string& relative) const;
  std::shared_ptr<Buffer> read(const std::string& relative) const;
  std::string readText(const std::string& relative) const;
  std::vector<std::string> codeFiles() const;

  IValue loadData() const;       // data.pkl: the module object tree
  IValue loadConstants() const;  // constants.pkl: the CONSTANTS.cN tuple
  // traced_inputs.pkl (torch >= 2.0): {"forward": [example inputs]}. torch writes these storage
  // records empty, so the tensors carry dtype and shape but zero-filled data.
  std::optional<IValue> loadTracedInputs() const;
  std::vector<DebugRange> debugRanges(const std::string& codeFile) const;

 private:
  // `zeroFillMissingData`: a storage record that is absent or too short becomes zero-filled
  // (only for traced inputs, whose data torch does not keep).
  IValue loadPickle(const std::string& name, const std::string& recordDir,
                    bool zeroFillMissingData = false) const;

  std::shared_ptr<ZipArchive> zip_;
  std::string prefix_;
  int64_t version_ = 0;
};

}  // namespace ts2coreml::archive
