#include "backends/mlprogram/mil_program_writer.h"

#include <set>

#include "backends/mlprogram/mil_const_values.h"
#include "backends/mlprogram/mil_types.h"
#include "core/error.h"

namespace ts2coreml::backends {

namespace {

MILSpec::Value nameAttribute(const std::string& name) {
  MILSpec::Value value;
  *value.mutable_type() = milTensorType(MILSpec::STRING, {});
  value.mutable_immediatevalue()->mutable_tensor()->mutable_strings()->add_values(name);
  return value;
}

// The function input becomes shape [1]; squeeze(x = input, axes = [0]) yields the scalar the
// graph uses.
void addScalarInputSqueeze(const MilNamer& names, size_t i, const ir::Value* graphInput,
                           MILSpec::NamedValueType* input, MILSpec::Block* block) {
  const MILSpec::DataType dtype = input->type().tensortype().datatype();
  *input->mutable_type() = milTensorType(dtype, {1});
  auto* axes = block->add_operations();
  axes->set_type("const");
  (*axes->mutable_attributes())["name"] = nameAttribute(names.scalarAxesName(i));
  MILSpec::Value axesValue;
  *axesValue.mutable_type() = milTensorType(MILSpec::INT32, {1});
  axesValue.mutable_immediatevalue()->mutable_tensor()->mutable_ints()->add_values(0);
  (*axes->mutable_attributes())["val"] = axesValue;
  auto* axesOut = axes->add_outputs();
  axesOut->set_name(names.scalarAxesName(i));
  *axesOut->mutable_type() = axesValue.type();

  const std::string& scalarName = names.valueName(graphInput);
  auto* squeeze = block->add_operations();
  squeeze->set_type("squeeze");
  (*squeeze->mutable_attributes())["name"] = nameAttribute(scalarName);
  (*squeeze->mutable_inputs())["x"].add_arguments()->set_name(input->name());
  (*squeeze->mutable_inputs())["axes"].add_arguments()->set_name(names.scalarAxesName(i));
  auto* out = squeeze->add_outputs();
  out->set_name(scalarName);
  *out->mutable_type() = milTensorType(dtype, {});
}

class ProgramWriter {
 public:
  ProgramWriter(const MilNamer& names, coreml::WeightBlobWriter& weights)
      : names_(names), weights_(weights) {}

  void writeBlock(const ir::Block& block, MILSpec::Block* out) {
    for (const auto& param : block.params()) {
      auto* input = out->add_inputs();
      input->set_name(names_.valueName(param.get()));
      *input->mutable_type() = milValueType(param->type(), "block input '" + input->name() + "'");
    }
    for (const auto& node : block.nodes()) writeOp(*node, out->add_operations());
    for (const ir::Value* ret : block.returns()) out->add_outputs(names_.valueName(ret));
  }

  // Core ML's cond requires both branches to return values of the same type; branches of a
  // data-dependent if that give different shapes are only expressible in a neural network.
  static void checkBranchTypes(const ir::Node& node) {
    if (node.blocks().size() != 2) return;
    const auto& a = node.block(0)->returns();
    const auto& b = node.block(1)->returns();
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (*a[i]->type() == *b[i]->type()) continue;
      throw Error::at(
          node.describe(),
          "the two branches give " + a[i]->type()->str() + " and " + b[i]->type()->str() +
              "; an ML Program's cond needs one type (a .mlmodel neural network allows it)");
    }
  }

  void writeOp(const ir::Node& node, MILSpec::Operation* op) {
    const std::string where = node.describe();
    if (node.kind().rfind("mil.", 0) != 0) {
      throw Error(where + ": not a MIL op (the graph was not fully lowered)");
    }
    if (node.kind() == "mil.cond") checkBranchTypes(node);
    op->set_type(node.kind().substr(4));
    (*op->mutable_attributes())["name"] = nameAttribute(names_.opName(&node));
    if (node.kind() == "mil.const") {
      if (!node.hasAttribute("val") || node.numOutputs() != 1) {
        throw Error(where + ": a const needs a \"val\" attribute and one output");
      }
      MILSpec::Value val =
          encodeConstValue(node.attribute("val"), node.output(0)->type(), weights_, where);
      auto* output = op->add_outputs();
      output->set_name(names_.valueName(node.output(0)));
      *output->mutable_type() = val.type();
      (*op->mutable_attributes())["val"] = std::move(val);
      return;
    }
    writeInputs(node, op, where);
    for (size_t i = 0; i < node.numOutputs(); ++i) {
      auto* output = op->add_outputs();
      output->set_name(names_.valueName(node.output(i)));
      *output->mutable_type() =
          milValueType(node.output(i)->type(), where + " output " + std::to_string(i));
    }
    for (const auto& inner : node.blocks()) writeBlock(*inner, op->add_blocks());
  }

 private:
  // Consecutive inputs with the same MIL parameter name form one variadic argument.
  void writeInputs(const ir::Node& node, MILSpec::Operation* op, const std::string& where) {
    const auto& inputNames = node.inputNames();
    if (inputNames.size() != node.inputs().size()) {
      throw Error(where + ": inputs without MIL parameter names");
    }
    std::set<std::string> done;
    for (size_t i = 0; i < inputNames.size(); ++i) {
      const std::string& param = inputNames[i];
      if (param.empty())
        throw Error(where + ": input " + std::to_string(i) + " has no MIL parameter name");
      if (i > 0 && inputNames[i - 1] == param) continue;
      if (!done.insert(param).second) {
        throw Error(where + ": inputs of parameter '" + param + "' are not consecutive");
      }
      MILSpec::Argument& argument = (*op->mutable_inputs())[param];
      for (size_t k = i; k < inputNames.size() && inputNames[k] == param; ++k) {
        argument.add_arguments()->set_name(names_.valueName(node.input(k)));
      }
    }
  }

  const MilNamer& names_;
  coreml::WeightBlobWriter& weights_;
};

}  // namespace

MILSpec::Program buildMilProgram(const ir::Graph& graph, const MilNamer& names,
                                 const std::string& opset, coreml::WeightBlobWriter& weights) {
  MILSpec::Program program;
  program.set_version(1);
  MILSpec::Function& function = (*program.mutable_functions())["main"];
  function.set_opset(opset);
  MILSpec::Block& block = (*function.mutable_block_specializations())[opset];
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    auto* input = function.add_inputs();
    input->set_name(names.inputName(i));
    const std::string where = "model input '" + names.inputName(i) + "'";
    *input->mutable_type() = milValueType(graph.inputs()[i]->type(), where);
    if (names.isScalarInput(i))
      addScalarInputSqueeze(names, i, graph.inputs()[i].get(), input, &block);
  }
  ProgramWriter writer(names, weights);
  const ir::Block& top = *graph.top();
  for (const auto& node : top.nodes()) writer.writeOp(*node, block.add_operations());

  // Outputs whose value cannot carry the output name are produced by an identity op.
  for (size_t i = 0; i < graph.outputs().size(); ++i) {
    const std::string& name = names.outputName(i);
    if (names.needsOutputIdentity(i)) {
      const ir::Value* value = graph.outputs()[i];
      auto* op = block.add_operations();
      op->set_type("identity");
      (*op->mutable_attributes())["name"] = nameAttribute(name);
      (*op->mutable_inputs())["x"].add_arguments()->set_name(names.valueName(value));
      auto* output = op->add_outputs();
      output->set_name(name);
      *output->mutable_type() = milValueType(value->type(), "model output '" + name + "'");
    }
    block.add_outputs(name);
  }
  return program;
}

}  // namespace ts2coreml::backends
