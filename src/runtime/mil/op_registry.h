// The table of MIL ops the runtime executes: op type -> function. The table itself is in
// op_registry.cc; each op family registers its ops from its own ops_<family>.cc.
#pragma once

#include <string>
#include <unordered_map>

#include "runtime/mil/mil_program.h"

namespace ts2coreml::runtime::mil {

using MilOpTable = std::unordered_map<std::string, MilOpFn>;

const MilOpTable& milOpTable();
// The op function for `type`, or null.
MilOpFn findMilOp(const std::string& type);

// Registration functions of the op families (ops_<family>.cc).
void registerControlFlowOps(MilOpTable& table);
void registerElementwiseOps(MilOpTable& table);
void registerActivationOps(MilOpTable& table);
void registerReduceOps(MilOpTable& table);
void registerConvOps(MilOpTable& table);
void registerPoolOps(MilOpTable& table);
void registerLinalgOps(MilOpTable& table);
void registerNormOps(MilOpTable& table);
void registerShapeOps(MilOpTable& table);
void registerIndexOps(MilOpTable& table);

}  // namespace ts2coreml::runtime::mil
