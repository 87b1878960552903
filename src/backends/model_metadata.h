// The Metadata message both backends write: the user's fields plus our own version and source
// keys (a key the user gives wins).
#pragma once

#include "backends/mlprogram/mlprogram_backend.h"
#include "coreml/proto/Model.pb.h"

namespace ts2coreml::backends {

void writeMetadata(const MLProgramMetadata& source, CoreML::Specification::Metadata* target);

}  // namespace ts2coreml::backends
