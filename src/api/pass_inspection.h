// `ts2coreml inspect --passes` and `--ir-after NAME`: the conversion's pass pipelines in order,
// and the IR after a named pass while a TorchScript archive is converted.
#pragma once

#include <string>
#include <vector>

#include "ts2coreml/convert.h"

namespace ts2coreml::api {

// The pipelines an ML Program conversion at the default precision (fp16) runs, in order, one
// pass a line; a repeated stage is shown as one line listing its passes.
std::string describeConversionPipelines();

// Compiles `archivePath` with `inputs` and runs the pipelines of describeConversionPipelines;
// returns the IR after every run of `passName` (a header line, then the graph in the parseable
// form, tensors with their elements, which ts2coreml-opt reads). Throws
// Error for an unknown pass or one the pipelines do not run.
std::string irAfterPass(const std::string& archivePath, const std::vector<InputSpec>& inputs,
                        const std::string& passName, const EntryPoint& entry = {});

}  // namespace ts2coreml::api
