// The entry method's parameters other than tensors: which types can be fixed at conversion or be
// a run-time input of one element, and the IValue a user's constant becomes for a parameter.
#pragma once

#include <string>

#include "core/ivalue.h"
#include "ir/type.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::torchscript {

// int, float or bool (or Optional of one): a constant or a one-element run-time input.
bool isScalarParameter(const ir::TypePtr& type);
// Tensor or Optional[Tensor]: a model input of the spec's shape.
bool acceptsTensor(const ir::TypePtr& type);
// `value` as parameter `param` of type `type` (ints widen to float; Optional takes None);
// throws Error naming the parameter, its type and the value when they do not fit.
IValue constantForParameter(const ConstantValue& value, const ir::TypePtr& type,
                            const std::string& param);
// The value as the user would write it: None, True, 16000, 0.5, 'text'.
std::string describeConstant(const ConstantValue& value);

}  // namespace ts2coreml::torchscript
