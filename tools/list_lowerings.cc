// Prints the op names the lowering registry supports (aten::*, prim::*), sorted, one per line.
// tools/gen_op_coverage.py and tests/e2e/test_op_coverage_table.py read this list.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "lower/lowering.h"

int main() {
  std::vector<std::string> names;
  for (const auto& entry : ts2coreml::lower::loweringRegistry()) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) std::cout << name << '\n';
  return 0;
}
