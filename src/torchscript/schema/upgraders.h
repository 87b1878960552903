// Operator upgraders: archives older than an op's last semantic change keep the old meaning
// (torch's version_map, torchscript-archive-format.md 5.1). They run after overload
// resolution, on the bound call.
#pragma once

#include <cstdint>

#include "torchscript/compiler/graph_emitter.h"
#include "torchscript/compiler/operator_binding.h"
#include "torchscript/schema/schema.h"

namespace ts2coreml::torchscript::schema {

// Rewrites the arguments of a call before overload resolution, for ops whose old schema no
// longer binds: aten::linspace (version < 8) and aten::logspace (< 9) took `int? steps=None`,
// None meaning 100; the current schema requires steps.
void upgradeArgumentsBeforeBinding(const std::string& name, int64_t archiveVersion,
                                   std::vector<ir::Value*>& positional,
                                   std::vector<std::pair<std::string, ir::Value*>>& keywords,
                                   GraphEmitter& emitter);

// Rewrites `bound` (matched to `matched`) for an archive of `archiveVersion`:
// - aten::div / div_ on two integer operands, version < 4: truncating division, i.e. the
//   `Tensor_mode` / `Scalar_mode` overload with rounding_mode "trunc" appended;
// - aten::full with dtype None, version < 5: the fill value becomes a float;
// - aten::gelu before version 10 had no `approximate`; its default "none" is the old meaning.
void applyOperatorUpgraders(const Schema& matched, int64_t archiveVersion, BoundOperator& bound,
                            GraphEmitter& emitter);

}  // namespace ts2coreml::torchscript::schema
