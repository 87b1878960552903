// Where a node came from: the line of the serialized TorchScript code and, when the archive has
// .debug_pkl records, the original Python file and line.
#pragma once

#include <string>

namespace ts2coreml::ir {

struct SourceLocation {
  std::string codeFile;  // archive entry, e.g. "code/__torch__.py"
  int codeLine = 0;
  std::string codeText;  // the serialized line itself, trimmed
  std::string pythonFile;
  int pythonLine = 0;

  bool known() const { return codeLine > 0 || pythonLine > 0; }
  // "model.py:44 (code/__torch__.py:12: `avg = torch.mean(x)`)", or whatever part is known.
  std::string describe() const;
};

}  // namespace ts2coreml::ir
