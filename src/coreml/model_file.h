// Reading and writing the Core ML Model protobuf: a single .mlmodel file, or the root model of an
// .mlpackage directory.
#pragma once

#include <string>

#include "coreml/proto/Model.pb.h"

namespace ts2coreml::coreml {

// Parses a Model from `path`: a .mlmodel file, or a package directory (through its
// Manifest.json). Throws Error naming the file.
CoreML::Specification::Model readModel(const std::string& path);
// Parses a Model from a plain protobuf file.
CoreML::Specification::Model readModelFile(const std::string& path);

// Serializes `model` into the file `path` (written directly; the caller decides about atomicity).
void writeModelFile(const CoreML::Specification::Model& model, const std::string& path);
// Saves `model` as a .mlmodel at `path` atomically (temporary sibling + rename).
void saveMLModel(const CoreML::Specification::Model& model, const std::string& path);

}  // namespace ts2coreml::coreml
