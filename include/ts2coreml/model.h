// Public C++ API over one converted or loaded Core ML model: convert a TorchScript archive (a
// file or bytes in memory) into a model held in a private temporary directory, save it later,
// read its specification, summarize it and run it with the reference runtime. This is what the
// Python package binds; nothing here depends on Python.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ts2coreml/convert.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml {

// Where a TorchScript archive comes from: a file, or bytes already in memory (for example
// torch.jit.save into a buffer). The converter reads records straight from the bytes, which the
// shared pointer keeps alive for as long as any tensor view needs them.
struct ArchiveInput {
  static ArchiveInput file(std::string path);
  // `name` stands for the archive in error messages.
  static ArchiveInput bytes(std::shared_ptr<const std::string> bytes,
                            std::string name = "<archive bytes>");

  std::string path;                           // set for a file
  std::shared_ptr<const std::string> memory;  // set for bytes
  std::string name;                           // the path or the given name
};

// Called at the start of each conversion stage ("compile", "lower", "write") with the fraction
// of the stages already done, and once with ("done", 1.0). It runs on the converting thread.
using ProgressCallback = std::function<void(std::string_view stage, double fractionDone)>;

class CoreMLModel {
 public:
  // Converts `archive` into a temporary directory that lives as long as the model. Throws
  // ts2coreml::Error with a one-line message (the op and source line where it applies).
  static std::unique_ptr<CoreMLModel> convert(const ArchiveInput& archive,
                                              const ConvertOptions& options,
                                              const ProgressCallback& progress = {});
  // Opens a saved .mlpackage or .mlmodel (read in place, not copied). Throws Error.
  static std::unique_ptr<CoreMLModel> load(const std::string& path);

  ~CoreMLModel();  // removes the temporary directory of a converted model
  CoreMLModel(const CoreMLModel&) = delete;
  CoreMLModel& operator=(const CoreMLModel&) = delete;

  ModelFormat format() const { return format_; }
  const std::string& path() const { return path_; }  // where the model files are now
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Copies the model to `path` (".mlpackage" for an ML Program, ".mlmodel" for a neural
  // network), replacing what is there; nothing is left behind on failure. Throws Error.
  void save(const std::string& path) const;
  // The serialized CoreML.Specification.Model message (the package's root model file).
  std::string specBytes() const;
  // The stored metadata (user-defined entries include the converter's own) and the short
  // description of every input and output by name.
  ModelMetadata metadata() const;
  std::map<std::string, std::string> featureDescriptions() const;
  // Replaces the stored metadata and sets the descriptions of the named features (as
  // coremltools' `mlmodel.author = ...` before save). A loaded model is first copied into a
  // private temporary directory: the file it was loaded from is never changed. Throws Error for
  // a feature name the model does not have.
  void updateDescription(const ModelMetadata& metadata,
                         const std::map<std::string, std::string>& featureDescriptions);

  // The runtime's summary: spec version, kind, inputs/outputs, op or layer counts, control flow.
  std::string summary() const;

  const std::vector<runtime::FeatureInfo>& inputs() const { return runtime_->inputs(); }
  const std::vector<runtime::FeatureInfo>& outputs() const { return runtime_->outputs(); }
  // Runs the model in the reference runtime. Calls on one model are serialized; different
  // models run in parallel. Throws Error for a missing input or a wrong shape, and for a loop
  // that runs more than `maxLoopIterations` iterations (default: the process-wide cap,
  // runtime::maxLoopIterations()).
  std::map<std::string, Tensor> predict(
      const std::map<std::string, Tensor>& inputs,
      std::optional<uint64_t> maxLoopIterations = std::nullopt) const;

 private:
  CoreMLModel() = default;
  void openRuntime();

  ModelFormat format_ = ModelFormat::MLProgram;
  std::string path_;
  std::string tempDir_;  // empty for a loaded model
  std::vector<std::string> warnings_;
  std::unique_ptr<runtime::Model> runtime_;
  mutable std::mutex predictMutex_;
};

}  // namespace ts2coreml
