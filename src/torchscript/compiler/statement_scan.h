// Syntactic scans of statement lists (see statement_scan.cc).
#pragma once

#include <string>
#include <vector>

#include "torchscript/syntax/ast.h"

namespace ts2coreml::torchscript {

// Names of the lists that `torch.append(NAME, item)` grows anywhere in `statements`.
void collectAppended(const std::vector<StmtPtr>& statements, std::vector<std::string>& names);

// Names bound by an assignment target (a name, or names inside tuple/list targets).
void collectAssignedTarget(const Expr& target, std::vector<std::string>& names);

// Names assigned anywhere in `statements` (nested blocks included), in order of appearance.
void collectAssigned(const std::vector<StmtPtr>& statements, std::vector<std::string>& names);

}  // namespace ts2coreml::torchscript
