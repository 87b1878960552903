// Recursive-descent parser for the serialized TorchScript code.
#pragma once

#include <memory>
#include <string>

#include "torchscript/syntax/ast.h"

namespace ts2coreml::torchscript {

// Throws Error "<fileName>:<line>:<col>: <what>".
std::unique_ptr<Module> parseModule(const std::string& source, const std::string& fileName);

}  // namespace ts2coreml::torchscript
