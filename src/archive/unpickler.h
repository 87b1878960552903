// A restricted reader of pickle protocol 2 as TorchScript writes it (data.pkl, constants.pkl,
// traced_inputs.pkl, *.debug_pkl). It never executes anything: the opcodes are a fixed data-only
// set, and GLOBAL is resolved against a fixed allow-list (pickle_globals.h). Tensors become
// views on storage buffers supplied by the caller; nothing is copied.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/ivalue.h"

namespace ts2coreml::archive {

// Returns the bytes of storage record `key` (e.g. "0"), which should hold `numel` elements of
// `dtype`. Called once per key per pickle; never called for storages with numel 0.
using StorageLoader =
    std::function<std::shared_ptr<Buffer>(const std::string& key, DType dtype, int64_t numel)>;

// Reads one pickle. `where` prefixes every error message, e.g. "model.pt: data.pkl" gives
// "model.pt: data.pkl: unsupported pickle opcode 0x95 at byte 2".
IValue unpickle(const Buffer& bytes, const std::string& where, const StorageLoader& loadStorage);

}  // namespace ts2coreml::archive
