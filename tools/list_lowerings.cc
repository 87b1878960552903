// Prints the op names the op table has a lowering for (aten::*, prim::*), sorted, one per line.
// tools/gen_op_coverage.py and tests/e2e/test_op_coverage_table.py read this list.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "lower/aten_op_table.h"

int main() {
  std::vector<std::string> names;
  for (const auto& [name, op] : ts2coreml::lower::atenOps().rows()) {
    if (op.lowering) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) std::cout << name << '\n';
  return 0;
}
