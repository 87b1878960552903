// `torch.tensor([[1., 2.], [3., 4.]])` with literal data: folded into a constant tensor (what
// scripted code prints for tensor literals in forward()).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"

namespace ts2coreml::passes {

// prim::NumToTensor of a known number, aten::linspace/logspace of constants, and
// aten::tensor(data, dtype, device, requires_grad) where data is a number or nested lists of
// numbers; nullopt for any other op or data that is not fully known.
std::optional<IValue> evaluateTensorLiteral(const std::string& kind,
                                            const std::vector<IValue>& args);

// int(t), float(t), bool(t), t.item() of a constant one-element tensor.
std::optional<IValue> evaluateTensorToNumber(const std::string& kind,
                                             const std::vector<IValue>& args);

}  // namespace ts2coreml::passes
