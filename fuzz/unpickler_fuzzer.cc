// libFuzzer target: the restricted unpickler over arbitrary bytes. Storages are zero-filled
// buffers of the size the pickle asks for, up to a bound (the archive's loader refuses what the
// archive does not hold; here any size within the bound is granted so tensor views get built).
#include <cstddef>
#include <cstdint>

#include "archive/unpickler.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ts2coreml;
  constexpr int64_t kMaxStorageElements = 1 << 16;
  archive::StorageLoader loader = [](const std::string& key, DType dtype, int64_t numel) {
    if (numel < 0 || numel > kMaxStorageElements)
      throw Error("storage '" + key + "': " + std::to_string(numel) + " elements (fuzz bound)");
    return Buffer::allocate(static_cast<size_t>(numel) * elementSize(dtype));
  };
  auto bytes = Buffer::wrap(data, size, nullptr);
  try {
    archive::unpickle(*bytes, "<fuzz>", loader);
  } catch (const Error&) {
  }
  return 0;
}
