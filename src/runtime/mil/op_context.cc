#include "runtime/mil/op_context.h"

#include "core/error.h"
#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::mil {

OpContext::OpContext(const CompiledOp& op, const Scope& scope) : op_(op), scope_(scope) {
  for (const auto& [param, bindings] : op.inputs) {
    std::vector<const MilValue*> resolved;
    for (const ArgBinding& binding : bindings) {
      if (binding.constant) {
        resolved.push_back(binding.constant.get());
        continue;
      }
      const MilValue* value = scope.find(binding.name);
      if (!value)
        fail("input '" + param + "' names '" + binding.name + "', which is not defined here");
      resolved.push_back(value);
    }
    inputs_.emplace_back(&param, std::move(resolved));
  }
  outputs_.resize(op.outputs.size());
}

void OpContext::fail(const std::string& message) const {
  throw Error::at(op_.describe(), message);
}

const std::vector<const MilValue*>* OpContext::find(const std::string& param) const {
  for (const auto& [name, values] : inputs_) {
    if (*name == param) return &values;
  }
  return nullptr;
}

bool OpContext::has(const std::string& param) const {
  return find(param) != nullptr;
}

const std::vector<const MilValue*>& OpContext::values(const std::string& param) const {
  const auto* values = find(param);
  if (!values) fail("required input '" + param + "' is missing");
  return *values;
}

const MilValue& OpContext::value(const std::string& param) const {
  const auto& all = values(param);
  if (all.size() != 1)
    fail("input '" + param + "' has " + std::to_string(all.size()) + " values, expected 1");
  return *all[0];
}

const Tensor& OpContext::tensor(const std::string& param) const {
  const MilValue& v = value(param);
  if (!v.isTensor()) fail("input '" + param + "' must be a tensor, got " + v.describe());
  return v.tensor();
}

std::optional<Tensor> OpContext::optionalTensor(const std::string& param) const {
  if (!has(param)) return std::nullopt;
  return tensor(param);
}

std::vector<Tensor> OpContext::tensors(const std::string& param) const {
  std::vector<Tensor> result;
  for (const MilValue* v : values(param)) {
    if (!v->isTensor()) fail("input '" + param + "' must hold tensors, got " + v->describe());
    result.push_back(v->tensor());
  }
  return result;
}

namespace {

double scalarOf(const OpContext& ctx, const std::string& param) {
  const Tensor& t = ctx.tensor(param);
  if (t.numel() != 1)
    ctx.fail("input '" + param + "' must be a scalar, got shape " + shapeToString(t.shape()));
  return t.elementAsDouble(0);
}

}  // namespace

int64_t OpContext::intArg(const std::string& param, std::optional<int64_t> fallback) const {
  if (!has(param) && fallback) return *fallback;
  return static_cast<int64_t>(scalarOf(*this, param));
}

double OpContext::floatArg(const std::string& param, std::optional<double> fallback) const {
  if (!has(param) && fallback) return *fallback;
  return scalarOf(*this, param);
}

bool OpContext::boolArg(const std::string& param, std::optional<bool> fallback) const {
  if (!has(param) && fallback) return *fallback;
  return scalarOf(*this, param) != 0;
}

std::string OpContext::stringArg(const std::string& param,
                                 std::optional<std::string> fallback) const {
  if (!has(param) && fallback) return *fallback;
  const MilValue& v = value(param);
  if (!v.isString()) fail("input '" + param + "' must be a string, got " + v.describe());
  return v.string();
}

std::vector<int64_t> OpContext::intsArg(const std::string& param,
                                        std::optional<std::vector<int64_t>> fallback) const {
  if (!has(param) && fallback) return *fallback;
  return kernels::toInt64s(tensor(param));
}

std::optional<std::vector<int64_t>> OpContext::optionalInts(const std::string& param) const {
  if (!has(param)) return std::nullopt;
  return kernels::toInt64s(tensor(param));
}

std::vector<bool> OpContext::boolsArg(const std::string& param) const {
  std::vector<bool> result;
  if (!has(param)) return result;
  for (int64_t v : kernels::toInt64s(tensor(param))) result.push_back(v != 0);
  return result;
}

void OpContext::setOutput(size_t i, MilValue value) {
  if (i >= outputs_.size()) {
    fail("produces output " + std::to_string(i) + " but declares " +
         std::to_string(outputs_.size()));
  }
  outputs_[i] = std::move(value);
}

std::vector<MilValue> OpContext::runBlock(size_t i, const std::vector<MilValue>& inputs) const {
  if (i >= op_.blocks.size())
    fail("needs block " + std::to_string(i) + " but has " + std::to_string(op_.blocks.size()));
  return mil::runBlock(op_.blocks[i], scope_, inputs);
}

}  // namespace ts2coreml::runtime::mil
