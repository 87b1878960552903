// How the runtime receives a model input as the model description declares it: a multi-array
// with a fixed, ranged or enumerated shape, or an image. Shared by both interpreters.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "coreml/proto/Model.pb.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::runtime {

class InputFeatureRule {
 public:
  // Reads the description of one input; `path` names the model in errors.
  InputFeatureRule(const CoreML::Specification::FeatureDescription& feature,
                   const std::string& path);

  // Name, dtype and the shape callers give (-1 for flexible dims; H x W x 3 or H x W pixels for
  // an image).
  const FeatureInfo& info() const { return info_; }
  bool isImage() const { return !info_.colorSpace.empty(); }

  // Checks `given` against the declared shapes and returns what the model computes on: the
  // array itself, or for an image the pixels (H x W x 3 in RGB order, or H x W gray; any numeric
  // dtype) as a float32 [1, C, H, W] tensor in the model's color order. Throws Error.
  Tensor prepare(const Tensor& given) const;

  // The accepted shapes as text: "1x3x(32..128)x(32..128)", "1x3x64x64 or 1x3x128x128", ...
  std::string expected() const;

 private:
  FeatureInfo info_;
  std::string path_;
  Shape fixed_;
  std::vector<std::pair<int64_t, int64_t>> ranges_;  // per dim [lower, upper], upper -1 = any
  std::vector<Shape> enumerated_;
};

}  // namespace ts2coreml::runtime
