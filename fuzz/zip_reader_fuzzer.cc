// libFuzzer target: the zip reader over arbitrary bytes (central directory, ZIP64 records,
// local headers, stored and deflated entries, CRCs). Every entry is read.
#include <cstddef>
#include <cstdint>

#include "archive/zip_reader.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ts2coreml;
  try {
    archive::ZipReader zip = archive::ZipReader::fromBytes({"<fuzz>", data, size, nullptr});
    for (const archive::ZipEntry& entry : zip.entries()) {
      try {
        auto bytes = zip.read(entry);
        volatile uint8_t sink = bytes->size() ? bytes->data()[bytes->size() - 1] : 0;
        (void)sink;
      } catch (const Error&) {
        // one bad entry does not hide the others
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
