// libFuzzer target: the TorchScript lexer and parser over arbitrary text (serialized code of a
// torch.jit.save archive).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "torchscript/syntax/lexer.h"
#include "torchscript/syntax/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ts2coreml;
  const std::string source(reinterpret_cast<const char*>(data), size);
  try {
    torchscript::tokenize(source, "code/__torch__.py");
  } catch (const Error&) {
  }
  try {
    torchscript::parseModule(source, "code/__torch__.py");
  } catch (const Error&) {
  }
  return 0;
}
