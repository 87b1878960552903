#include "ir/source_location.h"

namespace ts2coreml::ir {

std::string SourceLocation::describe() const {
  std::string code;
  if (codeLine > 0) {
    code = codeFile + ":" + std::to_string(codeLine);
    if (!codeText.empty()) code += ": `" + codeText + "`";
  }
  if (pythonLine > 0) {
    std::string text = pythonFile + ":" + std::to_string(pythonLine);
    return code.empty() ? text : text + " (" + code + ")";
  }
  return code;
}

}  // namespace ts2coreml::ir
