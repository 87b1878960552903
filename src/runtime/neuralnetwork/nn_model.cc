// runtime::Model for neural network specifications: description handling, predict(), summary().
#include "runtime/neuralnetwork/nn_model.h"

#include <map>
#include <sstream>

#include "core/error.h"
#include "runtime/kernels/elementwise_unary.h"
#include "runtime/model_features.h"
#include "runtime/neuralnetwork/nn_executor.h"

namespace ts2coreml::runtime {

namespace {

namespace spec = CoreML::Specification;

DType arrayDType(spec::ArrayFeatureType::ArrayDataType type) {
  switch (type) {
    case spec::ArrayFeatureType::DOUBLE:
      return DType::Float64;
    case spec::ArrayFeatureType::INT32:
      return DType::Int32;
    case spec::ArrayFeatureType::FLOAT16:
      return DType::Float16;
    case spec::ArrayFeatureType::INT8:
      return DType::Int8;
    default:
      return DType::Float32;
  }
}

// value = channelScale * pixel + bias[channel]: the scaler Core ML applies to an image input.
Tensor applyScaler(const spec::NeuralNetworkImageScaler& scaler, const std::string& colorSpace,
                   Tensor planar) {
  const int64_t channels = planar.dim(1), plane = planar.dim(2) * planar.dim(3);
  std::vector<float> bias;
  if (colorSpace == "GRAYSCALE") bias = {scaler.graybias()};
  if (colorSpace == "RGB") bias = {scaler.redbias(), scaler.greenbias(), scaler.bluebias()};
  if (colorSpace == "BGR") bias = {scaler.bluebias(), scaler.greenbias(), scaler.redbias()};
  // An unset channelScale means 1 (the proto default 0 would blank the image).
  const float scale = scaler.channelscale() == 0.0f ? 1.0f : scaler.channelscale();
  float* data = planar.mutableData<float>();
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t p = 0; p < plane; ++p) data[c * plane + p] = scale * data[c * plane + p] + bias[c];
  }
  return planar;
}

class NeuralNetworkModel : public Model {
 public:
  NeuralNetworkModel(spec::Model model, const std::string& path) : path_(path) {
    if (!model.has_neuralnetwork()) throw Error(path + ": not a neural network model");
    spec_ = std::make_shared<const spec::Model>(std::move(model));
    executor_ = std::make_unique<nn::Executor>(spec_);
    for (const auto& f : spec_->description().input()) {
      inputRules_.emplace_back(f, path);
      inputs_.push_back(inputRules_.back().info());
    }
    for (const auto& f : spec_->description().output()) outputs_.push_back(describe(f));
    std::vector<std::string> inNames, outNames;
    for (const auto& f : inputs_) inNames.push_back(f.name);
    for (const auto& f : outputs_) outNames.push_back(f.name);
    try {
      nn::validateNetwork(spec_->neuralnetwork(), inNames, outNames);
    } catch (const Error& e) {
      throw Error(path + ": " + e.what());
    }
  }

  const std::vector<FeatureInfo>& inputs() const override { return inputs_; }
  const std::vector<FeatureInfo>& outputs() const override { return outputs_; }

  std::map<std::string, Tensor> predict(const std::map<std::string, Tensor>& given) override {
    nn::BlobMap blobs;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const std::string& name = inputs_[i].name;
      auto it = given.find(name);
      if (it == given.end()) throw Error(path_ + ": missing input '" + name + "'");
      Tensor value;
      try {
        value = nn::asBlob(inputRules_[i].prepare(it->second));
      } catch (const Error& e) {
        throw Error(path_ + ": " + e.what());
      }
      if (inputRules_[i].isImage()) {
        for (const auto& step : spec_->neuralnetwork().preprocessing()) {
          if (step.featurename() == name && step.has_scaler())
            value = applyScaler(step.scaler(), inputs_[i].colorSpace, value.clone());
        }
      }
      blobs[name] = value;
    }
    executor_->run(spec_->neuralnetwork(), blobs);
    std::map<std::string, Tensor> results;
    for (const auto& out : outputs_) {
      auto it = blobs.find(out.name);
      if (it == blobs.end())
        throw Error(path_ + ": the network did not produce output '" + out.name + "'");
      results[out.name] =
          out.dtype == DType::Float32 ? it->second : kernels::cast(it->second, out.dtype);
    }
    return results;
  }

  std::string summary() const override {
    std::ostringstream text;
    text << "format: neuralNetwork (.mlmodel)\n";
    text << "specificationVersion: " << spec_->specificationversion() << "\n";
    auto features = [&](const char* title, const std::vector<FeatureInfo>& list) {
      text << title << ":\n";
      for (const auto& f : list) {
        text << "  " << f.name << ": "
             << (f.colorSpace.empty() ? std::string(dtypeName(f.dtype)) : "image " + f.colorSpace)
             << " " << (f.shape.empty() ? "?" : shapeToString(f.shape)) << "\n";
      }
    };
    features("inputs", inputs_);
    features("outputs", outputs_);
    std::map<std::string, int> counts;
    int total = countLayers(spec_->neuralnetwork(), counts);
    text << "layers: " << total << " (nested networks included)\n";
    for (const auto& [kind, n] : counts) text << "  " << kind << ": " << n << "\n";
    text << "control flow: " << counts["branch"] << " branch, " << counts["loop"] << " loop\n";
    return text.str();
  }

 private:
  static int countLayers(const spec::NeuralNetwork& net, std::map<std::string, int>& counts) {
    int total = 0;
    for (const auto& layer : net.layers()) {
      ++total;
      ++counts[nn::layerTypeName(static_cast<int>(layer.layer_case()))];
      if (layer.has_branch()) {
        total += countLayers(layer.branch().ifbranch(), counts);
        total += countLayers(layer.branch().elsebranch(), counts);
      }
      if (layer.has_loop()) {
        total += countLayers(layer.loop().conditionnetwork(), counts);
        total += countLayers(layer.loop().bodynetwork(), counts);
      }
    }
    return total;
  }

  FeatureInfo describe(const spec::FeatureDescription& f) const {
    if (!f.type().has_multiarraytype()) {
      throw Error(path_ + ": feature '" + f.name() +
                  "' is not a multi-array (only multi-arrays are supported)");
    }
    const auto& array = f.type().multiarraytype();
    FeatureInfo info;
    info.name = f.name();
    info.dtype = arrayDType(array.datatype());
    info.shape.assign(array.shape().begin(), array.shape().end());
    return info;
  }

  std::string path_;
  std::shared_ptr<const spec::Model> spec_;
  std::unique_ptr<nn::Executor> executor_;
  std::vector<FeatureInfo> inputs_, outputs_;
  std::vector<InputFeatureRule> inputRules_;
};

}  // namespace

std::unique_ptr<Model> makeNeuralNetworkModel(CoreML::Specification::Model spec,
                                              const std::string& path) {
  return std::make_unique<NeuralNetworkModel>(std::move(spec), path);
}

}  // namespace ts2coreml::runtime
