// Builds protocol-2 pickles opcode by opcode, the way torch's pickler writes them, for the
// unpickler tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::archive::testing {

inline std::string fromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

inline std::shared_ptr<Buffer> bufferOf(const std::string& bytes) {
  auto buffer = Buffer::allocate(bytes.size());
  if (!bytes.empty()) std::memcpy(buffer->mutableData(), bytes.data(), bytes.size());
  return buffer;
}

class Pickle {
 public:
  Pickle() { raw("\x80\x02"); }
  Pickle& raw(const std::string& bytes) {
    out_ += bytes;
    return *this;
  }
  Pickle& op(char opcode) {
    out_.push_back(opcode);
    return *this;
  }
  Pickle& byte(uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  Pickle& u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  Pickle& int1(uint8_t v) { return op('K').byte(v); }
  Pickle& str(const std::string& s) {  // BINUNICODE
    op('X').u32(static_cast<uint32_t>(s.size()));
    return raw(s);
  }
  Pickle& shortStr(const std::string& s) {  // SHORT_BINUNICODE
    op('\x8c').byte(static_cast<uint8_t>(s.size()));
    return raw(s);
  }
  Pickle& global(const std::string& module, const std::string& name) {
    return op('c').raw(module + "\n" + name + "\n");
  }
  Pickle& put(uint8_t index) { return op('q').byte(index); }
  Pickle& get(uint8_t index) { return op('h').byte(index); }
  Pickle& ints(const std::vector<uint8_t>& values) {  // a tuple of small ints
    op('(');
    for (uint8_t v : values) int1(v);
    return op('t');
  }
  // ('storage', torch.<type>, key, 'cpu', numel) BINPERSID
  Pickle& storage(const std::string& key, uint8_t numel, const std::string& type = "FloatStorage") {
    op('(').str("storage").global("torch", type).str(key).str("cpu").int1(numel);
    return op('t').op('Q');
  }
  // torch._utils._rebuild_tensor_v2(<storage pushed by `storageOps`>, offset, size, stride,
  // False, OrderedDict()) as torch 1.13 writes it.
  template <typename StorageOps>
  Pickle& tensor(StorageOps storageOps, uint8_t offset, const std::vector<uint8_t>& size,
                 const std::vector<uint8_t>& stride) {
    global("torch._utils", "_rebuild_tensor_v2").op('(');
    storageOps(*this);
    int1(offset).ints(size).ints(stride).op('\x89').global("collections", "OrderedDict").op(')');
    return op('R').op('t').op('R');
  }
  std::string done() const { return out_ + "."; }

 private:
  std::string out_;
};

}  // namespace ts2coreml::archive::testing
