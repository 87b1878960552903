// Operand shapes that cannot work together, refused at conversion: an --input shape that does not
// fit a layer's weights would otherwise give a model that converts and then fails when it runs.
#pragma once

#include <string>

#include "passes/shape_inference.h"

namespace ts2coreml::passes {

// Throws ts2coreml::Error naming the op and both sizes when `kind`'s operands are known not to
// fit: linear / matmul / mm / bmm / mv / dot / addmm / baddbmm / addmv inner dimensions,
// batch_norm / instance_norm / group_norm channels against their weights, layer_norm's trailing
// dimensions against normalized_shape, embedding indices that are not integers. Unknown sizes
// (-1) and unknown shapes pass; the caller puts the source location in front.
void checkOperandShapes(const std::string& kind, const OpOperands& operands);

}  // namespace ts2coreml::passes
