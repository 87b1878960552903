#include "runtime/mil/mlprogram_model.h"

#include <map>
#include <sstream>

#include "core/error.h"
#include "coreml/mil_dtypes.h"
#include "runtime/kernels/elementwise_unary.h"
#include "runtime/mil/mil_interpreter.h"
#include "runtime/mil/mil_program.h"
#include "runtime/model_features.h"

namespace ts2coreml::runtime {

namespace {

namespace spec = CoreML::Specification;

FeatureInfo featureInfo(const spec::FeatureDescription& feature, const mil::ValueSpec* programType,
                        const std::string& path) {
  FeatureInfo info;
  info.name = feature.name();
  if (!feature.type().has_multiarraytype()) {
    throw Error("'" + path + "': feature '" + feature.name() +
                "' is not a multi-array (the runtime supports only those)");
  }
  const auto& array = feature.type().multiarraytype();
  auto dtype = coreml::dtypeOfArrayDataType(array.datatype());
  if (!dtype)
    throw Error("'" + path + "': feature '" + feature.name() + "' has an unsupported array dtype");
  info.dtype = *dtype;
  info.shape.assign(array.shape().begin(), array.shape().end());
  if (array.has_shaperange()) {
    for (int i = 0;
         i < array.shaperange().sizeranges_size() && i < static_cast<int>(info.shape.size()); ++i) {
      const auto& range = array.shaperange().sizeranges(i);
      if (range.upperbound() < 0 || static_cast<uint64_t>(range.upperbound()) != range.lowerbound())
        info.shape[i] = -1;
    }
  } else if (array.has_enumeratedshapes()) {
    for (auto& dim : info.shape) dim = -1;
  }
  if (info.shape.empty() && programType)
    info.shape = programType->shape;  // outputs of unknown shape
  return info;
}

std::string milDtype(const mil::ValueSpec& v) {
  return v.describe();
}

class MLProgramModel : public Model {
 public:
  MLProgramModel(spec::Model spec, std::string path, const std::string& weightsDir,
                 const std::string& packageRoot)
      : spec_(std::move(spec)), path_(std::move(path)) {
    if (spec_.specificationversion() < 6) {
      throw Error("'" + path_ +
                  "': an ML program needs specification version >= 6, the file says " +
                  std::to_string(spec_.specificationversion()));
    }
    function_ = mil::compileFunction(spec_.mlprogram(), "main", weightsDir, packageRoot);
    const auto& description = spec_.description();
    for (const auto& input : description.input()) {
      const mil::ValueSpec* declared = findInput(input.name());
      if (!declared)
        throw Error("'" + path_ + "': input '" + input.name() +
                    "' is not an input of function main");
      inputRules_.emplace_back(input, path_);
      inputs_.push_back(inputRules_.back().info());
    }
    for (const auto& output : description.output()) {
      size_t index = outputIndex(output.name());
      outputs_.push_back(featureInfo(output, outputSpec(index), path_));
    }
  }

  const std::vector<FeatureInfo>& inputs() const override { return inputs_; }
  const std::vector<FeatureInfo>& outputs() const override { return outputs_; }

  std::map<std::string, Tensor> predict(const std::map<std::string, Tensor>& inputs) override {
    mil::Scope root;
    for (const auto& [name, tensor] : inputs) {
      if (!findInput(name)) throw Error("the model has no input named '" + name + "'");
    }
    for (const mil::ValueSpec& declared : function_.inputs) {
      auto it = inputs.find(declared.name);
      if (it == inputs.end()) throw Error("input '" + declared.name + "' is missing");
      Tensor given = it->second;
      for (const InputFeatureRule& rule : inputRules_) {
        if (rule.info().name == declared.name) given = rule.prepare(given);
      }
      root.set(declared.name, mil::MilValue(prepareInput(declared, given)));
    }
    std::vector<mil::MilValue> results = mil::runBlock(function_.block, root, {});
    std::map<std::string, Tensor> outputs;
    for (const FeatureInfo& info : outputs_) {
      const mil::MilValue& value = results.at(outputIndex(info.name));
      if (!value.isTensor()) throw Error("output '" + info.name + "' is not a tensor");
      Tensor tensor = kernels::cast(value.tensor(), info.dtype);
      // Core ML hands outputs over in the described shape ([1] for a scalar).
      bool known = !info.shape.empty();
      for (int64_t d : info.shape) known &= d >= 0;
      if (known && tensor.shape() != info.shape && shapeNumel(info.shape) == tensor.numel()) {
        tensor = tensor.contiguous().reshaped(info.shape);
      }
      outputs[info.name] = std::move(tensor);
    }
    return outputs;
  }

  std::string summary() const override {
    std::ostringstream out;
    out << "specification version " << spec_.specificationversion() << "\n";
    out << "kind: mlProgram (opset " << function_.opset << ")\n";
    out << "inputs:\n";
    for (const auto& v : function_.inputs) out << "  " << v.name << ": " << milDtype(v) << "\n";
    out << "outputs:\n";
    for (size_t i = 0; i < function_.block.outputs.size(); ++i) {
      const mil::ValueSpec* s = outputSpec(i);
      out << "  " << function_.block.outputs[i] << ": " << (s ? milDtype(*s) : std::string("?"))
          << "\n";
    }
    std::map<std::string, int> counts;
    countOps(function_.block, counts);
    int total = 0;
    for (const auto& [type, n] : counts) total += n;
    out << "ops: " << total << " (nested blocks included)\n";
    for (const auto& [type, n] : counts) out << "  " << type << ": " << n << "\n";
    out << "control flow: " << counts["cond"] << " cond, " << counts["while_loop"]
        << " while_loop\n";
    return out.str();
  }

 private:
  const mil::ValueSpec* findInput(const std::string& name) const {
    for (const auto& v : function_.inputs) {
      if (v.name == name) return &v;
    }
    return nullptr;
  }

  size_t outputIndex(const std::string& name) const {
    const auto& names = function_.block.outputs;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return i;
    }
    throw Error("'" + path_ + "': output '" + name + "' is not an output of function main");
  }

  // The type of the main block's output `i`, found on the op that produces it (null if it is a
  // function input or not found).
  const mil::ValueSpec* outputSpec(size_t i) const {
    const std::string& name = function_.block.outputs.at(i);
    for (const auto& op : function_.block.ops) {
      for (const auto& o : op.outputs) {
        if (o.name == name) return &o;
      }
    }
    return findInput(name);
  }

  static void countOps(const mil::CompiledBlock& block, std::map<std::string, int>& counts) {
    for (const auto& op : block.ops) {
      ++counts[op.type];
      for (const auto& inner : op.blocks) countOps(inner, counts);
    }
  }

  // Checks the shape against the declared type and casts to the declared dtype. A rank-0 input
  // also accepts a one-element array (Core ML describes scalars as shape [1]).
  Tensor prepareInput(const mil::ValueSpec& declared, const Tensor& given) const {
    Tensor tensor = given;
    // Scalars: a rank-0 value fits a [1] input and a one-element array fits a rank-0 input.
    if (declared.rankKnown && declared.shape.size() <= 1 && tensor.numel() == 1 &&
        tensor.rank() <= 1) {
      tensor = tensor.contiguous().reshaped(declared.shape);
    }
    bool matches =
        !declared.rankKnown || tensor.rank() == static_cast<int64_t>(declared.shape.size());
    for (size_t i = 0; matches && declared.rankKnown && i < declared.shape.size(); ++i) {
      matches = declared.shape[i] < 0 || declared.shape[i] == tensor.shape()[i];
    }
    if (!matches) {
      throw Error("input '" + declared.name + "' has shape " + shapeToString(given.shape()) +
                  " but the model expects " + shapeToString(declared.shape));
    }
    if (declared.dtype && tensor.dtype() != *declared.dtype)
      tensor = kernels::cast(tensor, *declared.dtype);
    return tensor;
  }

  spec::Model spec_;
  std::string path_;
  mil::CompiledFunction function_;
  std::vector<InputFeatureRule> inputRules_;
  std::vector<FeatureInfo> inputs_;
  std::vector<FeatureInfo> outputs_;
};

}  // namespace

std::unique_ptr<Model> makeMLProgramModel(CoreML::Specification::Model spec,
                                          const std::string& path, const std::string& weightsDir,
                                          const std::string& packageRoot) {
  return std::make_unique<MLProgramModel>(std::move(spec), path, weightsDir, packageRoot);
}

}  // namespace ts2coreml::runtime
