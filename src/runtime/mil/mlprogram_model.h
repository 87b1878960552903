// The ML Program side of the reference runtime: a runtime::Model that interprets the "main"
// function of `spec.mlProgram()`.
#pragma once

#include <memory>
#include <string>

#include "coreml/proto/Model.pb.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::runtime {

// `weightsDir` resolves "@model_path/weights/..." blob references (empty: the model has none);
// `packageRoot` is the .mlpackage they are in (empty for a .mlmodel), which links must not
// leave. `path` is used in messages. Throws Error naming the op for anything the runtime cannot
// run.
std::unique_ptr<Model> makeMLProgramModel(CoreML::Specification::Model spec,
                                          const std::string& path, const std::string& weightsDir,
                                          const std::string& packageRoot = {});

}  // namespace ts2coreml::runtime
