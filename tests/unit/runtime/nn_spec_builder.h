// Hand-built neural network specifications for the runtime tests.
#pragma once

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"
#include "coreml/proto/Model.pb.h"

namespace ts2coreml::testing {

namespace spec = CoreML::Specification;

inline void addFeature(google::protobuf::RepeatedPtrField<spec::FeatureDescription>* list,
                       const std::string& name, const std::vector<int64_t>& shape) {
  auto* f = list->Add();
  f->set_name(name);
  auto* a = f->mutable_type()->mutable_multiarraytype();
  a->set_datatype(spec::ArrayFeatureType::FLOAT32);
  for (int64_t d : shape) a->add_shape(d);
}

// A spec-4 model with the given multi-array inputs and outputs and an empty EXACT-mapped network.
using FeatureList = std::vector<std::pair<std::string, std::vector<int64_t>>>;

inline spec::Model nnModel(const FeatureList& inputs, const FeatureList& outputs) {
  spec::Model m;
  m.set_specificationversion(4);
  for (auto& [n, s] : inputs) addFeature(m.mutable_description()->mutable_input(), n, s);
  for (auto& [n, s] : outputs) addFeature(m.mutable_description()->mutable_output(), n, s);
  m.mutable_neuralnetwork()->set_arrayinputshapemapping(spec::EXACT_ARRAY_MAPPING);
  return m;
}

inline spec::NeuralNetworkLayer* layer(spec::NeuralNetwork* net, const std::string& name,
                                       std::vector<std::string> in, std::vector<std::string> out) {
  auto* l = net->add_layers();
  l->set_name(name);
  for (auto& i : in) l->add_input(i);
  for (auto& o : out) l->add_output(o);
  return l;
}

inline void setFloats(spec::WeightParams* w, std::initializer_list<float> values) {
  for (float v : values) w->add_floatvalue(v);
}

inline void setHalves(spec::WeightParams* w, std::initializer_list<float> values) {
  std::string bytes;
  for (float v : values) {
    uint16_t h = floatToHalf(v);
    bytes.append(reinterpret_cast<const char*>(&h), 2);
  }
  w->set_float16value(bytes);
}

// loadConstantND of `values` with `shape` into blob `name`.
inline void loadConstant(spec::NeuralNetwork* net, const std::string& name,
                         std::initializer_list<uint64_t> shape,
                         std::initializer_list<float> values) {
  auto* p = layer(net, name, {}, {name})->mutable_loadconstantnd();
  for (uint64_t d : shape) p->add_shape(d);
  setFloats(p->mutable_data(), values);
}

inline void linear(spec::NeuralNetwork* net, const std::string& name, const std::string& in,
                   const std::string& out, float alpha, float beta) {
  auto* a = layer(net, name, {in}, {out})->mutable_activation()->mutable_linear();
  a->set_alpha(alpha);
  a->set_beta(beta);
}

inline Tensor values(Shape shape, std::initializer_list<float> data) {
  Tensor t(DType::Float32, std::move(shape));
  float* d = t.mutableData<float>();
  for (float v : data) *d++ = v;
  return t;
}

inline std::vector<float> asVector(const Tensor& t) {
  std::vector<float> v;
  for (int64_t i = 0; i < t.numel(); ++i) v.push_back(static_cast<float>(t.elementAsDouble(i)));
  return v;
}

}  // namespace ts2coreml::testing
