// libFuzzer target: the whole conversion (TorchScriptArchive::fromBytes, compileForward,
// lowering, the passes, a backend writing the model) of an archive whose serialized code comes
// from the input. Mutating whole archives would mostly break their CRCs; instead the archives of
// tests/fixtures/corpus_t1.13 are templates: the input's first byte picks one (low 7 bits) and
// the output format (high bit), the rest replaces the template's first code file. The template
// keeps its data.pkl, constants, debug records and spec.json input shapes, so the code compiles
// against a real module object. Seeds: scripts/fuzz_seeds.py (the templates' own code).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/convert_pipeline.h"
#include "archive/torchscript_archive.h"
#include "core/error.h"
#include "fuzz_support.h"

namespace {

using namespace ts2coreml;

struct Template {
  std::vector<std::pair<std::string, std::string>> entries;  // name, contents, in zip order
  size_t codeEntry = 0;                                      // the entry the input replaces
  std::vector<InputSpec> inputs;
};

// True for "x:2x3x4": a name and positive dimensions (entries with NAME=VALUE constants,
// run-time numbers or --module/--method are left out; scripts/fuzz_seeds.py skips the same).
bool isPlainTensorSpec(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) return false;
  const std::string dims = text.substr(colon + 1);
  size_t start = 0;
  while (start <= dims.size()) {
    size_t end = dims.find('x', start);
    if (end == std::string::npos) end = dims.size();
    if (end == start) return false;
    for (size_t i = start; i < end; ++i)
      if (!std::isdigit(static_cast<unsigned char>(dims[i]))) return false;
    start = end + 1;
  }
  return true;
}

bool usesPlainTensorInputs(const nlohmann::json& spec) {
  if (spec.contains("options") && !spec.at("options").empty()) return false;
  for (const auto& input : spec.at("inputs"))
    if (!isPlainTensorSpec(input.get<std::string>())) return false;
  return true;
}

// "x:2x3x4" as in spec.json.
InputSpec parseSpec(const std::string& text) {
  InputSpec spec;
  const size_t colon = text.find(':');
  spec.name = text.substr(0, colon);
  std::string dims = text.substr(colon + 1);
  size_t start = 0;
  while (start <= dims.size()) {
    size_t end = dims.find('x', start);
    if (end == std::string::npos) end = dims.size();
    spec.shape.push_back(std::stoll(dims.substr(start, end - start)));
    start = end + 1;
  }
  return spec;
}

std::vector<Template> loadTemplates() {
  namespace fs = std::filesystem;
  std::vector<fs::path> dirs;
  for (const auto& item : fs::directory_iterator(TS2COREML_FIXTURES_DIR "/corpus_t1.13")) {
    if (!fs::exists(item.path() / "model.pt") || !fs::exists(item.path() / "spec.json")) continue;
    std::ifstream specFile(item.path() / "spec.json");
    if (usesPlainTensorInputs(nlohmann::json::parse(specFile))) dirs.push_back(item.path());
  }
  std::sort(dirs.begin(), dirs.end());  // scripts/fuzz_seeds.py numbers them in the same order
  std::vector<Template> templates;
  for (const fs::path& dir : dirs) {
    Template made;
    auto zip = archive::ZipReader::open((dir / "model.pt").string());
    bool found = false;
    for (const archive::ZipEntry& entry : zip.entries()) {
      auto bytes = zip.read(entry);
      if (!found && entry.name.find("/code/") != std::string::npos && entry.name.ends_with(".py")) {
        made.codeEntry = made.entries.size();
        found = true;
      }
      made.entries.emplace_back(
          entry.name, std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    }
    std::ifstream specFile(dir / "spec.json");
    const nlohmann::json spec = nlohmann::json::parse(specFile);
    for (const auto& input : spec.at("inputs"))
      made.inputs.push_back(parseSpec(input.get<std::string>()));
    if (found) templates.push_back(std::move(made));
  }
  if (templates.empty()) {
    std::fprintf(stderr, "fuzz: no templates under %s/corpus_t1.13\n", TS2COREML_FIXTURES_DIR);
    std::abort();
  }
  return templates;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Template> templates = loadTemplates();
  if (size < 1) return 0;
  const Template& chosen = templates[(data[0] & 0x7f) % templates.size()];
  const bool mlProgram = (data[0] & 0x80) == 0;
  fuzz::StoredZipWriter writer;
  for (size_t i = 0; i < chosen.entries.size(); ++i) {
    const auto& [name, contents] = chosen.entries[i];
    if (i == chosen.codeEntry)
      writer.add(name, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    else
      writer.add(name, contents);
  }
  auto bytes = std::make_shared<std::vector<uint8_t>>(writer.finish());
  ConvertOptions options;
  options.inputs = chosen.inputs;
  options.format = mlProgram ? ModelFormat::MLProgram : ModelFormat::NeuralNetwork;
  static const std::string programPath = (fuzz::scratchDir() / "out.mlpackage").string();
  static const std::string networkPath = (fuzz::scratchDir() / "out.mlmodel").string();
  try {
    auto archive =
        archive::TorchScriptArchive::fromBytes({"<fuzz>.pt", bytes->data(), bytes->size(), bytes});
    api::convertArchive(archive, mlProgram ? programPath : networkPath, options, {});
  } catch (const Error&) {
  }
  return 0;
}
