// Proto Values (const "val" attributes and inline bindings) -> runtime values. Immediate tensors
// are copied out of the proto; blob-file tensors are views into the memory-mapped weight file.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "coreml/proto/MIL.pb.h"
#include "coreml/weight_blob_reader.h"
#include "runtime/mil/mil_value.h"

namespace ts2coreml::runtime::mil {

// Opens each referenced weight file once. "@model_path/weights/weight.bin" resolves to
// <weightsDir>/weight.bin (only the last path component is used, as Core ML tools do). A file
// that is a symbolic link must stay inside `packageRoot` (the .mlpackage the weights are in), or
// inside the weights folder when there is no package.
class WeightFiles {
 public:
  explicit WeightFiles(std::string weightsDir, std::string packageRoot = {})
      : dir_(std::move(weightsDir)), packageRoot_(std::move(packageRoot)) {}
  const coreml::WeightBlobReader& open(const std::string& fileName);

 private:
  std::string dir_;
  std::string packageRoot_;
  std::map<std::string, std::unique_ptr<coreml::WeightBlobReader>> files_;
};

// `where` names the op for messages.
MilValue decodeValue(const CoreML::Specification::MILSpec::Value& value, WeightFiles& weights,
                     const std::string& where);

}  // namespace ts2coreml::runtime::mil
