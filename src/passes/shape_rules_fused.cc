#include "passes/shape_rules_fused.h"

namespace ts2coreml::passes {

std::optional<ir::TypePtr> inferFusedType(const std::string& kind, const OpOperands& operands) {
  // The encoder layer maps [batch, sequence, embed] to the same shape.
  if (kind == "aten::_transformer_encoder_layer_fwd" && operands.types.at(0)->isTensor())
    return operands.types[0];
  return std::nullopt;
}

}  // namespace ts2coreml::passes
