// runtime::Model for neural network specifications: description handling, predict(), summary().
#include "runtime/neuralnetwork/nn_model.h"

#include <map>
#include <sstream>

#include "core/error.h"
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

// Accepted shapes of one multi-array feature.
struct ShapeRule {
  Shape fixed;                                      // used when there is no flexibility
  std::vector<std::pair<int64_t, int64_t>> ranges;  // per dim [lo, hi], hi -1 = unbounded
  std::vector<Shape> enumerated;

  bool accepts(const Shape& given) const {
    if (!enumerated.empty()) {
      for (const auto& s : enumerated) {
        if (s == given) return true;
      }
      return false;
    }
    if (!ranges.empty()) {
      if (given.size() != ranges.size()) return false;
      for (size_t i = 0; i < given.size(); ++i) {
        if (given[i] < ranges[i].first || (ranges[i].second >= 0 && given[i] > ranges[i].second))
          return false;
      }
      return true;
    }
    return fixed.empty() || fixed == given;
  }
};

class NeuralNetworkModel : public Model {
 public:
  NeuralNetworkModel(spec::Model model, const std::string& path) : path_(path) {
    if (!model.has_neuralnetwork()) throw Error(path + ": not a neural network model");
    spec_ = std::make_shared<const spec::Model>(std::move(model));
    executor_ = std::make_unique<nn::Executor>(spec_);
    for (const auto& f : spec_->description().input()) inputs_.push_back(describe(f, &inputRules_));
    for (const auto& f : spec_->description().output()) outputs_.push_back(describe(f, nullptr));
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
      Tensor value = nn::asBlob(it->second);
      if (!inputRules_[i].accepts(value.shape())) {
        throw Error(path_ + ": input '" + name + "' has shape " +
                    shapeToString(it->second.shape()) + ", the model expects " +
                    shapeToString(inputs_[i].shape));
      }
      blobs[name] = value;
    }
    executor_->run(spec_->neuralnetwork(), blobs);
    std::map<std::string, Tensor> results;
    for (const auto& out : outputs_) {
      auto it = blobs.find(out.name);
      if (it == blobs.end())
        throw Error(path_ + ": the network did not produce output '" + out.name + "'");
      results[out.name] = it->second;
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
        text << "  " << f.name << ": " << dtypeName(f.dtype) << " "
             << (f.shape.empty() ? "?" : shapeToString(f.shape)) << "\n";
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

  FeatureInfo describe(const spec::FeatureDescription& f, std::vector<ShapeRule>* rules) const {
    if (!f.type().has_multiarraytype()) {
      throw Error(path_ + ": feature '" + f.name() +
                  "' is not a multi-array (only multi-arrays are supported)");
    }
    const auto& array = f.type().multiarraytype();
    FeatureInfo info;
    info.name = f.name();
    info.dtype = arrayDType(array.datatype());
    info.shape.assign(array.shape().begin(), array.shape().end());
    ShapeRule rule;
    rule.fixed = info.shape;
    if (array.has_shaperange()) {
      info.shape.clear();
      for (const auto& r : array.shaperange().sizeranges()) {
        int64_t lo = static_cast<int64_t>(r.lowerbound()), hi = r.upperbound();
        rule.ranges.emplace_back(lo, hi);
        info.shape.push_back(lo == hi ? lo : -1);
      }
    } else if (array.has_enumeratedshapes()) {
      for (const auto& s : array.enumeratedshapes().shapes())
        rule.enumerated.emplace_back(s.shape().begin(), s.shape().end());
    }
    if (rules) rules->push_back(rule);
    return info;
  }

  std::string path_;
  std::shared_ptr<const spec::Model> spec_;
  std::unique_ptr<nn::Executor> executor_;
  std::vector<FeatureInfo> inputs_, outputs_;
  std::vector<ShapeRule> inputRules_;
};

}  // namespace

std::unique_ptr<Model> makeNeuralNetworkModel(CoreML::Specification::Model spec,
                                              const std::string& path) {
  return std::make_unique<NeuralNetworkModel>(std::move(spec), path);
}

}  // namespace ts2coreml::runtime
