// Constants of `mil.const` nodes -> MIL proto Values. Float tensors with >= 10 elements go to
// weight.bin (streamed from the tensor's memory, converted to the declared dtype on the way);
// everything else is an immediate value.
#pragma once

#include <string>

#include "core/ivalue.h"
#include "coreml/proto/MIL.pb.h"
#include "coreml/weight_blob_writer.h"
#include "ir/type.h"

namespace ts2coreml::backends {

// coremltools' threshold for file-backed constants.
constexpr int64_t kMinBlobElements = 10;

// Encodes `value` (the node's "val") as a Value of `declaredType` (the const's output type: its
// dtype decides how the data is stored, e.g. fp16 for fp32 data after the fp16 pass).
// `where` names the op in error messages.
CoreML::Specification::MILSpec::Value encodeConstValue(const IValue& value,
                                                       const ir::TypePtr& declaredType,
                                                       coreml::WeightBlobWriter& weights,
                                                       const std::string& where);

}  // namespace ts2coreml::backends
