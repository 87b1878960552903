// ts2coreml._core: the thin pybind11 layer over include/ts2coreml/model.h. It only converts
// arguments (bytes, numpy arrays, option strings) and releases the GIL around the C++ work; all
// conversion logic is in the C++ library. ts2coreml::Error derives from std::runtime_error, so
// pybind11 raises it as RuntimeError with the one-line diagnostic; argument problems found here
// raise ValueError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "python/convert_options.h"
#include "ts2coreml/model.h"

namespace py = pybind11;

namespace ts2coreml::python {

namespace {

// Runs the Python progress callable on the converting thread, which does not hold the GIL.
ProgressCallback progressCallback(const py::object& callable) {
  if (callable.is_none()) return {};
  return [&callable](std::string_view stage, double done) {
    py::gil_scoped_acquire gil;
    callable(std::string(stage), done);
  };
}

std::unique_ptr<CoreMLModel> convertArchive(const ArchiveInput& archive, const py::dict& dict,
                                            const py::object& progress) {
  ConvertOptions options = optionsFromDict(dict);
  ProgressCallback callback = progressCallback(progress);
  py::gil_scoped_release released;
  return CoreMLModel::convert(archive, options, callback);
}

std::unique_ptr<CoreMLModel> convertBytes(const py::buffer& bytes, const std::string& name,
                                          const py::dict& options, const py::object& progress) {
  py::buffer_info info = bytes.request();
  if (info.ndim != 1 || info.itemsize != 1) {
    throw py::value_error("model: archive bytes must be a 1-D byte buffer");
  }
  // The one copy: Python may free or change its buffer once we release the GIL.
  auto copy = std::make_shared<const std::string>(static_cast<const char*>(info.ptr),
                                                  static_cast<size_t>(info.size));
  return convertArchive(ArchiveInput::bytes(std::move(copy), name), options, progress);
}

std::unique_ptr<CoreMLModel> convertPath(const std::string& path, const py::dict& options,
                                         const py::object& progress) {
  return convertArchive(ArchiveInput::file(path), options, progress);
}

std::unique_ptr<CoreMLModel> loadModel(const std::string& path) {
  py::gil_scoped_release released;
  return CoreMLModel::load(path);
}

// numpy dtype <-> our DType, by numpy's canonical name ("float32", "int64", "bool", ...).
DType dtypeOfArray(const py::array& array, const std::string& inputName) {
  std::string name = py::str(array.dtype().attr("name"));
  std::optional<DType> dtype = dtypeFromName(name);
  if (!dtype || *dtype == DType::BFloat16) {
    throw py::value_error("predict: input '" + inputName + "' has dtype " + name +
                          ", which is not a numeric type the model can take");
  }
  return *dtype;
}

py::dtype numpyDtype(DType dtype) {
  return py::dtype(std::string(dtypeName(dtype)));
}

Tensor tensorFromArray(const py::handle& value, const std::string& name) {
  py::array array = py::array::ensure(value, py::array::c_style);
  if (!array) throw py::value_error("predict: input '" + name + "' is not array-like");
  DType dtype = dtypeOfArray(array, name);
  Shape shape(array.shape(), array.shape() + array.ndim());
  Tensor tensor(dtype, shape);
  if (tensor.nbytes()) std::memcpy(tensor.mutableRawData(), array.data(), tensor.nbytes());
  return tensor;
}

py::array arrayFromTensor(const Tensor& tensor) {
  Tensor contiguous = tensor.contiguous();
  std::vector<py::ssize_t> shape(contiguous.shape().begin(), contiguous.shape().end());
  py::array array(numpyDtype(contiguous.dtype()), shape);
  if (contiguous.nbytes()) {
    std::memcpy(array.mutable_data(), contiguous.rawData(), contiguous.nbytes());
  }
  return array;
}

py::dict predict(const CoreMLModel& model, const py::dict& data,
                 std::optional<uint64_t> maxLoopIterations) {
  std::map<std::string, Tensor> inputs;
  for (auto [key, value] : data) {
    if (!py::isinstance<py::str>(key)) {
      throw py::value_error("predict: input names must be strings, got " +
                            std::string(py::str(py::type::of(key))));
    }
    std::string name = py::cast<std::string>(key);
    inputs.emplace(name, tensorFromArray(value, name));
  }
  std::map<std::string, Tensor> outputs;
  {
    py::gil_scoped_release released;
    outputs = model.predict(inputs, maxLoopIterations);
  }
  py::dict result;
  for (const auto& [name, tensor] : outputs) result[py::str(name)] = arrayFromTensor(tensor);
  return result;
}

py::list describe(const std::vector<runtime::FeatureInfo>& features) {
  py::list list;
  for (const auto& feature : features) {
    list.append(py::make_tuple(feature.name, std::string(dtypeName(feature.dtype)),
                               py::tuple(py::cast(feature.shape)), feature.colorSpace));
  }
  return list;
}

}  // namespace

}  // namespace ts2coreml::python

using namespace ts2coreml;
using namespace ts2coreml::python;

PYBIND11_MODULE(_core, module) {
  module.doc() = "C++ core of ts2coreml (use the ts2coreml package, not this module)";
  module.attr("__version__") = TS2COREML_VERSION;
  module.attr("DEFAULT_MAX_LOOP_ITERATIONS") = runtime::kDefaultMaxLoopIterations;

  py::class_<CoreMLModel>(module, "CoreMLModel")
      .def_property_readonly("format",
                             [](const CoreMLModel& model) {
                               return model.format() == ModelFormat::MLProgram ? "mlprogram"
                                                                               : "neuralnetwork";
                             })
      .def_property_readonly("path", &CoreMLModel::path)
      .def_property_readonly("warnings", &CoreMLModel::warnings)
      .def("save", &CoreMLModel::save, py::arg("path"), py::call_guard<py::gil_scoped_release>())
      .def("spec_bytes",
           [](const CoreMLModel& model) {
             std::string bytes;
             {
               py::gil_scoped_release released;
               bytes = model.specBytes();
             }
             return py::bytes(bytes);
           })
      .def("summary", &CoreMLModel::summary)
      .def("inputs", [](const CoreMLModel& model) { return describe(model.inputs()); })
      .def("outputs", [](const CoreMLModel& model) { return describe(model.outputs()); })
      .def("predict", &predict, py::arg("data"), py::arg("max_loop_iterations") = py::none())
      .def("metadata",
           [](const CoreMLModel& model) {
             ModelMetadata metadata = model.metadata();
             py::dict result;
             result["author"] = metadata.author;
             result["license"] = metadata.license;
             result["short_description"] = metadata.shortDescription;
             result["version"] = metadata.versionString;
             result["user_defined"] = metadata.userDefined;
             result["features"] = model.featureDescriptions();
             return result;
           })
      .def("update_description", [](CoreMLModel& model, const py::dict& values) {
        ModelMetadata metadata;
        metadata.author = values["author"].cast<std::string>();
        metadata.license = values["license"].cast<std::string>();
        metadata.shortDescription = values["short_description"].cast<std::string>();
        metadata.versionString = values["version"].cast<std::string>();
        metadata.userDefined = values["user_defined"].cast<std::map<std::string, std::string>>();
        auto features = values["features"].cast<std::map<std::string, std::string>>();
        py::gil_scoped_release released;
        model.updateDescription(metadata, features);
      });

  module.def("convert_bytes", &convertBytes, py::arg("data"), py::arg("name"), py::arg("options"),
             py::arg("progress"));
  module.def("convert_path", &convertPath, py::arg("path"), py::arg("options"),
             py::arg("progress"));
  module.def("load", &loadModel, py::arg("path"));
}
