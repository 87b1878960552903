// Facts that hold for every conversion: the converted model runs inference on the CPU, without
// autograd, autocast, nested or sparse tensors. Library code branches on these (e.g. the fast-path
// checks of nn.TransformerEncoderLayer); folding them lets those branches be selected statically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"

namespace ts2coreml::passes {

// The value of `kind(args...)` when it is such a fact or a reduction of one (any/all over a list
// of known bools, the type string of a device); nullopt otherwise.
std::optional<IValue> evaluateInferenceFact(const std::string& kind,
                                            const std::vector<IValue>& args);

// Whether `kind` is a query about a tensor that the facts above answer (is_nested,
// requires_grad, ...), with its answer.
std::optional<IValue> tensorInferenceFact(const std::string& kind);

}  // namespace ts2coreml::passes
