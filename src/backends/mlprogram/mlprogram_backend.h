// MIL-level IR -> ML Program (.mlpackage): the MIL protobuf program, weight.bin (large constants,
// streamed from the tensors' memory, e.g. the memory-mapped archive) and Manifest.json.
#pragma once

#include <map>
#include <string>

#include "backends/model_interface.h"
#include "ir/graph.h"

namespace ts2coreml::backends {

struct MLProgramMetadata {
  std::string author;
  std::string license;
  std::string shortDescription;
  std::string versionString;
  // Written into Metadata.userDefined next to our own "ts2coreml.version" and
  // "ts2coreml.source" keys (an entry given here with one of those keys wins).
  std::map<std::string, std::string> userDefined;
};

struct MLProgramOptions {
  // 6 = iOS 15 (first with ML programs); 7 = iOS 16 (needed for fp16 model inputs/outputs); ...
  int specificationVersion = 6;
  // MIL opset; empty = the one of specificationVersion (6 -> "CoreML5", 7 -> "CoreML6",
  // 8 -> "CoreML7", 9 -> "CoreML8", 10 -> "CoreML9").
  std::string opset;
  MLProgramMetadata metadata;
  ModelInterface interface;  // flexible shapes, image inputs, feature descriptions
};

// The opset name that goes with a specification version; throws Error below 6.
std::string opsetForSpecificationVersion(int specificationVersion);

// Writes `milGraph` (mil.* ops; see the conventions in ir/graph.h) as an .mlpackage directory at
// `path`. Everything is written into a temporary sibling that is renamed into place at the end:
// on failure nothing is left at `path` (an existing package there stays untouched).
// Throws ts2coreml::Error naming the op or value it cannot write.
void writeMLPackage(const ir::Graph& milGraph, const std::string& path,
                    const MLProgramOptions& options = {});

}  // namespace ts2coreml::backends
