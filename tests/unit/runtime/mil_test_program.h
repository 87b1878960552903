// Builds small ML program Model protos by hand for the interpreter tests.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"
#include "coreml/proto/Model.pb.h"

namespace ts2coreml::runtime::testing {

namespace MILSpec = CoreML::Specification::MILSpec;

inline MILSpec::ValueType tensorType(MILSpec::DataType dtype, const Shape& shape) {
  MILSpec::ValueType type;
  auto* t = type.mutable_tensortype();
  t->set_datatype(dtype);
  t->set_rank(static_cast<int64_t>(shape.size()));
  for (int64_t d : shape) {
    if (d >= 0) {
      t->add_dimensions()->mutable_constant()->set_size(static_cast<uint64_t>(d));
    } else {
      t->add_dimensions()->mutable_unknown();
    }
  }
  return type;
}

inline MILSpec::Value floatValue(const Shape& shape, const std::vector<float>& values) {
  MILSpec::Value v;
  *v.mutable_type() = tensorType(MILSpec::FLOAT32, shape);
  for (float f : values)
    v.mutable_immediatevalue()->mutable_tensor()->mutable_floats()->add_values(f);
  return v;
}

inline MILSpec::Value intValue(const Shape& shape, const std::vector<int32_t>& values) {
  MILSpec::Value v;
  *v.mutable_type() = tensorType(MILSpec::INT32, shape);
  auto* ints = v.mutable_immediatevalue()->mutable_tensor()->mutable_ints();
  for (int32_t i : values) ints->add_values(i);
  return v;
}

inline MILSpec::Value halfValue(const Shape& shape, const std::vector<float>& values) {
  MILSpec::Value v;
  *v.mutable_type() = tensorType(MILSpec::FLOAT16, shape);
  std::string bytes;
  for (float f : values) {
    uint16_t h = floatToHalf(f);
    bytes.append(reinterpret_cast<const char*>(&h), 2);
  }
  v.mutable_immediatevalue()->mutable_tensor()->mutable_bytes()->set_values(bytes);
  return v;
}

inline MILSpec::Value stringValue(const std::string& text) {
  MILSpec::Value v;
  *v.mutable_type() = tensorType(MILSpec::STRING, {});
  v.mutable_immediatevalue()->mutable_tensor()->mutable_strings()->add_values(text);
  return v;
}

struct Out {
  std::string name;
  MILSpec::DataType dtype;
  Shape shape;
};

// Appends an op; each input is a list of names (one Argument with a binding per name).
inline MILSpec::Operation* addOp(
    MILSpec::Block* block, const std::string& type,
    std::vector<std::pair<std::string, std::vector<std::string>>> inputs,
    std::vector<Out> outputs) {
  auto* op = block->add_operations();
  op->set_type(type);
  (*op->mutable_attributes())["name"] = stringValue(outputs.empty() ? type : outputs[0].name);
  for (auto& [param, names] : inputs) {
    auto& argument = (*op->mutable_inputs())[param];
    for (auto& n : names) argument.add_arguments()->set_name(n);
  }
  for (auto& o : outputs) {
    auto* out = op->add_outputs();
    out->set_name(o.name);
    *out->mutable_type() = tensorType(o.dtype, o.shape);
  }
  return op;
}

inline void addConst(MILSpec::Block* block, const std::string& name, const MILSpec::Value& value) {
  auto* op = block->add_operations();
  op->set_type("const");
  (*op->mutable_attributes())["name"] = stringValue(name);
  (*op->mutable_attributes())["val"] = value;
  auto* out = op->add_outputs();
  out->set_name(name);
  *out->mutable_type() = value.type();
}

// A model with function main(inputs) whose block is returned for filling; outputs are declared
// in the description with the given dtypes (FLOAT32 / INT32).
class TestModel {
 public:
  explicit TestModel(int specVersion = 6, const std::string& opset = "CoreML5") {
    spec.set_specificationversion(specVersion);
    spec.mutable_mlprogram()->set_version(1);
    function_ = &(*spec.mutable_mlprogram()->mutable_functions())["main"];
    function_->set_opset(opset);
    block = &(*function_->mutable_block_specializations())[opset];
  }

  void input(const std::string& name, MILSpec::DataType dtype, const Shape& shape,
             CoreML::Specification::ArrayFeatureType::ArrayDataType feature) {
    auto* in = function_->add_inputs();
    in->set_name(name);
    *in->mutable_type() = tensorType(dtype, shape);
    auto* f = spec.mutable_description()->add_input();
    f->set_name(name);
    f->mutable_type()->mutable_multiarraytype()->set_datatype(feature);
    for (int64_t d : shape) f->mutable_type()->mutable_multiarraytype()->add_shape(d);
  }

  void output(const std::string& name,
              CoreML::Specification::ArrayFeatureType::ArrayDataType feature) {
    block->add_outputs(name);
    auto* f = spec.mutable_description()->add_output();
    f->set_name(name);
    f->mutable_type()->mutable_multiarraytype()->set_datatype(feature);
  }

  CoreML::Specification::Model spec;
  MILSpec::Block* block;

 private:
  MILSpec::Function* function_;
};

}  // namespace ts2coreml::runtime::testing
