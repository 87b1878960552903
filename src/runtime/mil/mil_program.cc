#include "runtime/mil/mil_program.h"

#include "core/error.h"
#include "coreml/mil_dtypes.h"
#include "runtime/mil/mil_const_decoder.h"
#include "runtime/mil/op_registry.h"

namespace ts2coreml::runtime::mil {

namespace MILSpec = CoreML::Specification::MILSpec;

std::string MilValue::describe() const {
  if (isString()) return "string '" + string() + "'";
  if (isTensor())
    return std::string(dtypeName(tensor().dtype())) + " tensor " + shapeToString(tensor().shape());
  return "nothing";
}

std::string ValueSpec::describe() const {
  if (isString) return "string";
  std::string text = dtype ? std::string(dtypeName(*dtype)) : std::string("unsupported dtype");
  return text + " " + (rankKnown ? shapeToString(shape) : std::string("(any rank)"));
}

std::string CompiledOp::describe() const {
  return "op " + type + (name.empty() ? std::string() : " '" + name + "'");
}

ValueSpec valueSpecOf(const MILSpec::ValueType& type, const std::string& name,
                      const std::string& where) {
  if (!type.has_tensortype()) {
    throw Error::at(where, "value '" + name +
                               "' is not a tensor (lists, tuples, dictionaries and states are "
                               "not supported by the runtime)");
  }
  const MILSpec::TensorType& tensor = type.tensortype();
  ValueSpec spec;
  spec.name = name;
  if (tensor.datatype() == MILSpec::STRING) {
    spec.isString = true;
    return spec;
  }
  spec.dtype = coreml::dtypeOfMilDataType(tensor.datatype());
  spec.rankKnown = tensor.rank() >= 0;
  if (spec.rankKnown && tensor.dimensions_size() != tensor.rank()) {
    throw Error::at(where, "value '" + name + "' has rank " + std::to_string(tensor.rank()) +
                               " but " + std::to_string(tensor.dimensions_size()) + " dimensions");
  }
  for (const auto& dim : tensor.dimensions()) {
    spec.shape.push_back(dim.has_constant() ? static_cast<int64_t>(dim.constant().size()) : -1);
  }
  return spec;
}

namespace {

class Compiler {
 public:
  Compiler(const std::string& weightsDir, const std::string& packageRoot)
      : weights_(weightsDir, packageRoot) {}

  CompiledBlock block(const MILSpec::Block& proto) {
    CompiledBlock out;
    for (const auto& input : proto.inputs()) {
      out.inputs.push_back(
          valueSpecOf(input.type(), input.name(), "block input '" + input.name() + "'"));
    }
    for (const auto& op : proto.operations()) out.ops.push_back(operation(op));
    out.outputs.assign(proto.outputs().begin(), proto.outputs().end());
    return out;
  }

 private:
  CompiledOp operation(const MILSpec::Operation& proto) {
    CompiledOp op;
    op.type = proto.type();
    auto nameIt = proto.attributes().find("name");
    if (nameIt != proto.attributes().end() &&
        nameIt->second.immediatevalue().tensor().strings().values_size() == 1) {
      op.name = nameIt->second.immediatevalue().tensor().strings().values(0);
    }
    const std::string where = op.describe();
    for (const auto& output : proto.outputs()) {
      op.outputs.push_back(valueSpecOf(output.type(), output.name(), where));
    }
    if (op.type == "const") {
      auto val = proto.attributes().find("val");
      if (val == proto.attributes().end())
        throw Error::at(where, "const without a \"val\" attribute");
      if (op.outputs.size() != 1) throw Error::at(where, "const must have one output");
      op.constValue = std::make_shared<const MilValue>(decodeValue(val->second, weights_, where));
    }
    op.fn = findMilOp(op.type);
    if (!op.fn) throw Error::at(where, "the runtime does not implement MIL op '" + op.type + "'");
    // Inputs in a deterministic order (the proto map has none).
    std::map<std::string, const MILSpec::Argument*> sorted;
    for (const auto& [param, argument] : proto.inputs()) sorted[param] = &argument;
    for (const auto& [param, argument] : sorted) {
      std::vector<ArgBinding> bindings;
      for (const auto& binding : argument->arguments()) {
        ArgBinding b;
        if (binding.has_value()) {
          b.constant = std::make_shared<const MilValue>(
              decodeValue(binding.value(), weights_, where + " input '" + param + "'"));
        } else {
          b.name = binding.name();
          if (b.name.empty()) throw Error::at(where, "input '" + param + "' has an empty binding");
        }
        bindings.push_back(std::move(b));
      }
      op.inputs.emplace_back(param, std::move(bindings));
    }
    for (const auto& inner : proto.blocks()) op.blocks.push_back(block(inner));
    return op;
  }

  WeightFiles weights_;
};

}  // namespace

CompiledFunction compileFunction(const MILSpec::Program& program, const std::string& functionName,
                                 const std::string& weightsDir, const std::string& packageRoot) {
  auto it = program.functions().find(functionName);
  if (it == program.functions().end())
    throw Error("the ML program has no function '" + functionName + "'");
  const MILSpec::Function& function = it->second;
  auto block = function.block_specializations().find(function.opset());
  if (block == function.block_specializations().end()) {
    throw Error("function '" + functionName + "' has no block for its opset '" + function.opset() +
                "'");
  }
  CompiledFunction out;
  out.opset = function.opset();
  for (const auto& input : function.inputs()) {
    out.inputs.push_back(
        valueSpecOf(input.type(), input.name(), "function input '" + input.name() + "'"));
  }
  Compiler compiler(weightsDir, packageRoot);
  out.block = compiler.block(block->second);
  return out;
}

}  // namespace ts2coreml::runtime::mil
