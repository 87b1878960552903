// A restricted reader of pickle protocol 2 as TorchScript writes it (data.pkl, constants.pkl,
// *.debug_pkl). It never executes anything: GLOBAL is resolved against a fixed list of torch
// names, and any other global or opcode is refused.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/ivalue.h"

namespace ts2coreml::archive {

// Loads the storage record `key` (e.g. "0") holding `numel` elements of `dtype`.
using StorageLoader =
    std::function<std::shared_ptr<Buffer>(const std::string& key, DType dtype, int64_t numel)>;

// `entryName` names the pickle in error messages ("model.pt: data.pkl: ...").
IValue readPickle(const Buffer& bytes, const std::string& entryName,
                  const StorageLoader& loadStorage);

}  // namespace ts2coreml::archive
