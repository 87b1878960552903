// CoreMLModel: a converted model lives in a private temporary directory until it is saved; a
// loaded one is read where it is. Both run through the same runtime::Model::load as the CLI.
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/convert_pipeline.h"
#include "archive/torchscript_archive.h"
#include "core/error.h"
#include "core/regular_file.h"
#include "coreml/atomic_output.h"
#include "coreml/mlpackage.h"
#include "coreml/model_file.h"
#include "ts2coreml/model.h"

namespace ts2coreml {

namespace fs = std::filesystem;

namespace {

archive::TorchScriptArchive openArchive(const ArchiveInput& input) {
  if (!input.memory) return archive::TorchScriptArchive::open(input.path);
  const std::string& bytes = *input.memory;
  // The records are views into the caller's string; its shared pointer keeps it alive.
  return archive::TorchScriptArchive::fromBytes(archive::ArchiveBytes{
      input.name, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), input.memory});
}

// A fresh directory only this process uses (mkdtemp creates it with mode 0700).
std::string makeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "ts2coreml-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    throw Error("cannot create a temporary directory in " + fs::temp_directory_path().string() +
                ": " + std::strerror(errno));
  }
  return pattern;
}

std::string readWholeFile(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("'" + path + "': cannot open for reading");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

const char* formatName(ModelFormat format) {
  return format == ModelFormat::MLProgram ? "an ML Program" : "a neural network";
}

}  // namespace

ArchiveInput ArchiveInput::file(std::string path) {
  ArchiveInput input;
  input.path = path;
  input.name = std::move(path);
  return input;
}

ArchiveInput ArchiveInput::bytes(std::shared_ptr<const std::string> bytes, std::string name) {
  ArchiveInput input;
  input.memory = std::move(bytes);
  input.name = std::move(name);
  return input;
}

std::unique_ptr<CoreMLModel> CoreMLModel::convert(const ArchiveInput& archive,
                                                  const ConvertOptions& options,
                                                  const ProgressCallback& progress) {
  archive::TorchScriptArchive opened = openArchive(archive);
  std::unique_ptr<CoreMLModel> model(new CoreMLModel);
  model->format_ = options.format;
  model->tempDir_ = makeTempDir();  // removed by the destructor, also when conversion throws
  model->path_ = model->tempDir_ +
                 (options.format == ModelFormat::MLProgram ? "/model.mlpackage" : "/model.mlmodel");
  ConversionReport report = api::convertArchive(opened, model->path_, options, progress);
  model->warnings_ = std::move(report.warnings);
  model->openRuntime();
  return model;
}

std::unique_ptr<CoreMLModel> CoreMLModel::load(const std::string& path) {
  std::unique_ptr<CoreMLModel> model(new CoreMLModel);
  model->path_ = path;
  model->openRuntime();
  return model;
}

void CoreMLModel::openRuntime() {
  runtime_ = runtime::Model::load(path_);
  // What is on disk decides the format: a package holds an ML Program, a file a neural network
  // (Model::load has refused every other kind).
  format_ = fs::is_directory(path_) ? ModelFormat::MLProgram : ModelFormat::NeuralNetwork;
}

CoreMLModel::~CoreMLModel() {
  runtime_.reset();  // the runtime may map files of the temporary directory
  if (!tempDir_.empty()) {
    std::error_code ignored;  // a destructor cannot report; the directory is under /tmp anyway
    fs::remove_all(tempDir_, ignored);
  }
}

void CoreMLModel::save(const std::string& path) const {
  ModelFormat wanted = formatForPath(path);
  if (wanted != format_) {
    throw Error("cannot save " + std::string(formatName(format_)) + " as '" + path + "': use a " +
                (format_ == ModelFormat::MLProgram ? ".mlpackage" : ".mlmodel") + " path");
  }
  std::string target = path;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  if (fs::exists(target) && fs::equivalent(target, path_)) return;  // already there
  bool package = format_ == ModelFormat::MLProgram;
  coreml::AtomicOutput output(
      target, package ? coreml::AtomicOutput::Kind::Directory : coreml::AtomicOutput::Kind::File);
  std::error_code error;
  if (package) {
    fs::copy(path_, output.tempPath(), fs::copy_options::recursive, error);
  } else {
    fs::copy_file(path_, output.tempPath(), error);
  }
  if (error) throw Error("cannot save the model to '" + target + "': " + error.message());
  output.commit();
}

std::string CoreMLModel::specBytes() const {
  if (format_ == ModelFormat::MLProgram) return readWholeFile(coreml::readPackage(path_).modelFile);
  return readWholeFile(path_);
}

namespace {

std::string modelFileOf(const std::string& path, ModelFormat format) {
  return format == ModelFormat::MLProgram ? coreml::readPackage(path).modelFile : path;
}

}  // namespace

ModelMetadata CoreMLModel::metadata() const {
  const auto spec = coreml::readModelFile(modelFileOf(path_, format_));
  const auto& stored = spec.description().metadata();
  ModelMetadata result;
  result.author = stored.author();
  result.license = stored.license();
  result.shortDescription = stored.shortdescription();
  result.versionString = stored.versionstring();
  for (const auto& [key, value] : stored.userdefined()) result.userDefined[key] = value;
  return result;
}

std::map<std::string, std::string> CoreMLModel::featureDescriptions() const {
  const auto spec = coreml::readModelFile(modelFileOf(path_, format_));
  std::map<std::string, std::string> result;
  for (const auto& feature : spec.description().input())
    result[feature.name()] = feature.shortdescription();
  for (const auto& feature : spec.description().output())
    result[feature.name()] = feature.shortdescription();
  return result;
}

void CoreMLModel::updateDescription(const ModelMetadata& metadata,
                                    const std::map<std::string, std::string>& descriptions) {
  auto spec = coreml::readModelFile(modelFileOf(path_, format_));
  auto* description = spec.mutable_description();
  for (const auto& [name, text] : descriptions) {
    bool found = false;
    for (auto& feature : *description->mutable_input()) {
      if (feature.name() == name) found = true, feature.set_shortdescription(text);
    }
    for (auto& feature : *description->mutable_output()) {
      if (feature.name() == name) found = true, feature.set_shortdescription(text);
    }
    if (!found) throw Error("the model has no input or output named '" + name + "'");
  }
  auto* stored = description->mutable_metadata();
  stored->set_author(metadata.author);
  stored->set_license(metadata.license);
  stored->set_shortdescription(metadata.shortDescription);
  stored->set_versionstring(metadata.versionString);
  stored->mutable_userdefined()->clear();
  for (const auto& [key, value] : metadata.userDefined)
    (*stored->mutable_userdefined())[key] = value;

  if (tempDir_.empty()) {
    // A loaded model: work on a private copy from now on.
    tempDir_ = makeTempDir();
    std::string copy =
        tempDir_ + (format_ == ModelFormat::MLProgram ? "/model.mlpackage" : "/model.mlmodel");
    runtime_.reset();
    save(copy);
    path_ = copy;
  }
  runtime_.reset();  // it may map the file being replaced
  coreml::writeModelFile(spec, modelFileOf(path_, format_));
  openRuntime();
}

std::string CoreMLModel::summary() const {
  return runtime_->summary();
}

std::map<std::string, Tensor> CoreMLModel::predict(
    const std::map<std::string, Tensor>& inputs, std::optional<uint64_t> maxLoopIterations) const {
  std::lock_guard<std::mutex> lock(predictMutex_);
  if (!maxLoopIterations) return runtime_->predict(inputs);
  runtime::LoopIterationCapScope cap(*maxLoopIterations);
  return runtime_->predict(inputs);
}

}  // namespace ts2coreml
