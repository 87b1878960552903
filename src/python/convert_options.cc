#include "python/convert_options.h"

#include <pybind11/stl.h>

namespace py = pybind11;

namespace ts2coreml::python {

namespace {

DType dtypeNamed(const std::string& name, const std::string& what) {
  std::optional<DType> dtype = dtypeFromName(name);
  if (!dtype) throw py::value_error(what + ": unknown dtype '" + name + "'");
  return *dtype;
}

template <typename T>
std::optional<T> optionalItem(const py::dict& dict, const char* key) {
  if (!dict.contains(key) || dict[key].is_none()) return std::nullopt;
  return dict[key].cast<T>();
}

ColorLayout layoutNamed(const std::string& name) {
  if (name == "RGB") return ColorLayout::RGB;
  if (name == "BGR") return ColorLayout::BGR;
  if (name == "G") return ColorLayout::Grayscale;
  throw py::value_error("ImageType: color_layout '" + name + "' is not supported");
}

InputSpec inputFromDict(const py::dict& item) {
  InputSpec spec;
  // Bound by position as coremltools does; a given name names the Core ML feature.
  spec.featureName = optionalItem<std::string>(item, "name").value_or("");
  spec.shape = item["shape"].cast<Shape>();
  spec.dtype = dtypeNamed(item["dtype"].cast<std::string>(), "input '" + spec.featureName + "'");
  if (auto ranges = optionalItem<std::vector<std::pair<int64_t, int64_t>>>(item, "ranges")) {
    for (const auto& [lower, upper] : *ranges) spec.ranges.push_back({lower, upper});
  }
  if (auto shapes = optionalItem<std::vector<Shape>>(item, "enumerated")) spec.enumerated = *shapes;
  if (auto image = optionalItem<py::dict>(item, "image")) {
    ImageInput input;
    input.layout = layoutNamed((*image)["layout"].cast<std::string>());
    input.scale = (*image)["scale"].cast<float>();
    input.bias = (*image)["bias"].cast<std::vector<float>>();
    spec.image = input;
  }
  return spec;
}

// A value of convert(constants=...): checked in Python to be None, bool, int, float or str.
ConstantValue constantFrom(const py::handle& value) {
  if (value.is_none()) return std::monostate{};
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  return value.cast<std::string>();
}

}  // namespace

ConvertOptions optionsFromDict(const py::dict& dict) {
  ConvertOptions options;
  for (const py::handle& item : dict["inputs"].cast<py::list>())
    options.inputs.push_back(inputFromDict(item.cast<py::dict>()));
  if (dict.contains("constants")) {
    for (const py::handle& item : dict["constants"].cast<py::list>()) {
      py::tuple pair = item.cast<py::tuple>();
      InputSpec spec;
      spec.name = pair[0].cast<std::string>();
      spec.constant = constantFrom(pair[1]);
      options.inputs.push_back(std::move(spec));
    }
  }
  if (auto method = optionalItem<std::string>(dict, "method")) options.entry.method = *method;
  for (const py::handle& handle : dict["outputs"].cast<py::list>()) {
    py::dict item = handle.cast<py::dict>();
    OutputSpec output;
    output.name = optionalItem<std::string>(item, "name").value_or("");
    if (auto dtype = optionalItem<std::string>(item, "dtype"))
      output.dtype = dtypeNamed(*dtype, "output '" + output.name + "'");
    options.outputs.push_back(std::move(output));
  }
  const std::string format = dict["format"].cast<std::string>();
  if (format == "mlprogram") {
    options.format = ModelFormat::MLProgram;
  } else if (format == "neuralnetwork") {
    options.format = ModelFormat::NeuralNetwork;
  } else {
    throw py::value_error("convert_to: unknown model format '" + format +
                          "' (use 'mlprogram' or 'neuralnetwork')");
  }
  if (auto precision = optionalItem<std::string>(dict, "precision")) {
    if (*precision == "float16") {
      options.precision = Precision::Float16;
    } else if (*precision == "float32") {
      options.precision = Precision::Float32;
    } else {
      throw py::value_error("compute_precision: unknown precision '" + *precision + "'");
    }
  }
  if (auto target = optionalItem<std::string>(dict, "target")) {
    options.target = parseDeploymentTarget(*target);
    if (!options.target)
      throw py::value_error("minimum_deployment_target: " + *target + " is not supported");
  }
  if (auto ops = optionalItem<std::vector<std::string>>(dict, "fp32_ops")) options.fp32Ops = *ops;
  options.sourceTorchVersion = optionalItem<std::string>(dict, "source_torch_version").value_or("");
  return options;
}

}  // namespace ts2coreml::python
