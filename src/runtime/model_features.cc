#include "runtime/model_features.h"

#include "core/error.h"
#include "coreml/mil_dtypes.h"

namespace ts2coreml::runtime {

namespace spec = CoreML::Specification;

InputFeatureRule::InputFeatureRule(const spec::FeatureDescription& feature, const std::string& path)
    : path_(path) {
  info_.name = feature.name();
  if (feature.type().has_imagetype()) {
    const auto& image = feature.type().imagetype();
    if (image.has_enumeratedsizes() || image.has_imagesizerange())
      throw Error("'" + path + "': image input '" + feature.name() +
                  "' has flexible sizes, which the runtime does not support");
    switch (image.colorspace()) {
      case spec::ImageFeatureType::RGB:
        info_.colorSpace = "RGB";
        break;
      case spec::ImageFeatureType::BGR:
        info_.colorSpace = "BGR";
        break;
      case spec::ImageFeatureType::GRAYSCALE:
        info_.colorSpace = "GRAYSCALE";
        break;
      default:
        throw Error("'" + path + "': image input '" + feature.name() +
                    "' has a color space the runtime does not support");
    }
    info_.dtype = DType::Float32;
    info_.shape = {image.height(), image.width()};
    if (info_.colorSpace != "GRAYSCALE") info_.shape.push_back(3);
    fixed_ = info_.shape;
    return;
  }
  if (!feature.type().has_multiarraytype()) {
    throw Error("'" + path + "': input '" + feature.name() +
                "' is neither a multi-array nor an image (the runtime supports only those)");
  }
  const auto& array = feature.type().multiarraytype();
  auto dtype = coreml::dtypeOfArrayDataType(array.datatype());
  if (!dtype)
    throw Error("'" + path + "': input '" + feature.name() + "' has an unsupported array dtype");
  info_.dtype = *dtype;
  fixed_.assign(array.shape().begin(), array.shape().end());
  info_.shape = fixed_;
  if (array.has_shaperange()) {
    info_.shape.clear();
    for (const auto& range : array.shaperange().sizeranges()) {
      int64_t lower = static_cast<int64_t>(range.lowerbound()), upper = range.upperbound();
      ranges_.emplace_back(lower, upper);
      info_.shape.push_back(lower == upper ? lower : -1);
    }
  } else if (array.has_enumeratedshapes()) {
    for (const auto& shape : array.enumeratedshapes().shapes())
      enumerated_.emplace_back(shape.shape().begin(), shape.shape().end());
    for (size_t i = 0; i < info_.shape.size(); ++i) {
      for (const Shape& shape : enumerated_) {
        if (i < shape.size() && shape[i] != fixed_[i]) info_.shape[i] = -1;
      }
    }
  }
}

std::string InputFeatureRule::expected() const {
  if (!enumerated_.empty()) {
    std::string text;
    for (const Shape& shape : enumerated_)
      text += (text.empty() ? "" : " or ") + shapeToString(shape);
    return text;
  }
  if (!ranges_.empty()) {
    std::string text;
    for (const auto& [lower, upper] : ranges_) {
      if (!text.empty()) text += "x";
      if (lower == upper) {
        text += std::to_string(lower);
      } else {
        text += "(" + std::to_string(lower) + ".." + (upper < 0 ? "" : std::to_string(upper)) + ")";
      }
    }
    return text;
  }
  return shapeToString(fixed_);
}

Tensor InputFeatureRule::prepare(const Tensor& given) const {
  auto refuse = [&]() -> Error {
    return Error("input '" + info_.name + "' has shape " + shapeToString(given.shape()) +
                 ", the model expects " + expected() +
                 (isImage() ? " (image pixels, height x width" +
                                  std::string(info_.colorSpace == "GRAYSCALE" ? ")" : " x RGB)")
                            : ""));
  };
  if (isImage()) {
    Shape shape = given.shape();
    // A gray image may also come as H x W x 1.
    if (info_.colorSpace == "GRAYSCALE" && shape.size() == 3 && shape[2] == 1) shape.pop_back();
    if (shape != fixed_) throw refuse();
    const int64_t height = fixed_[0], width = fixed_[1];
    const int64_t channels = fixed_.size() == 3 ? 3 : 1;
    Tensor pixels = given.contiguous().to(DType::Float32);
    Tensor planar(DType::Float32, {1, channels, height, width});
    const float* source = pixels.data<float>();
    float* target = planar.mutableData<float>();
    const bool bgr = info_.colorSpace == "BGR";
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t from = bgr ? channels - 1 - c : c;
      for (int64_t p = 0; p < height * width; ++p)
        target[c * height * width + p] = source[p * channels + from];
    }
    return planar;
  }
  const Shape& shape = given.shape();
  bool accepted = true;
  if (!enumerated_.empty()) {
    accepted = false;
    for (const Shape& allowed : enumerated_) accepted |= allowed == shape;
  } else if (!ranges_.empty()) {
    accepted = shape.size() == ranges_.size();
    for (size_t i = 0; accepted && i < shape.size(); ++i) {
      accepted =
          shape[i] >= ranges_[i].first && (ranges_[i].second < 0 || shape[i] <= ranges_[i].second);
    }
  } else {
    // A scalar is described as [1]: a rank-0 value fits too.
    accepted = fixed_.empty() || shape == fixed_ ||
               (shapeNumel(fixed_) == 1 && given.numel() == 1 && shape.size() <= 1);
  }
  if (!accepted) throw refuse();
  return given;
}

}  // namespace ts2coreml::runtime
