#include "coreml/mlpackage.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "core/error.h"
#include "core/regular_file.h"
#include "coreml/atomic_output.h"
#include "coreml/package_links.h"

namespace ts2coreml::coreml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kAuthor = "com.apple.CoreML";
constexpr const char* kModelName = "model.mlmodel";
constexpr const char* kWeightsName = "weights";

std::string itemPath(const char* name) {
  return std::string(kAuthor) + "/" + name;
}

// Item paths are relative to Data/ and must stay inside it: an absolute path or one whose ".."
// climbs out would make a package read a file it does not hold (e.g. /etc/passwd).
void requireInsideData(const std::string& itemPath, const std::string& where) {
  fs::path path(itemPath);
  bool inside = !path.empty() && path.is_relative() && !path.has_root_name();
  int depth = 0;
  for (const fs::path& part : path) {
    if (!inside) break;
    if (part == "..") {
      inside = --depth >= 0;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  if (!inside) {
    throw Error(where + ": Manifest.json item path '" + quoteInput(itemPath) +
                "' points outside the package's Data folder");
  }
}

}  // namespace

std::string randomUuid() {
  std::string hex = randomHex(16);
  hex[12] = '4';                                                    // version 4
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

PackageLayout packageLayout(const std::string& packageDir) {
  fs::path root(packageDir);
  fs::path data = root / "Data" / kAuthor;
  PackageLayout layout;
  layout.root = root.string();
  layout.manifest = (root / "Manifest.json").string();
  layout.modelFile = (data / kModelName).string();
  layout.weightsDir = (data / kWeightsName).string();
  layout.weightFile = (data / kWeightsName / "weight.bin").string();
  return layout;
}

PackageLayout createPackageDirectories(const std::string& packageDir) {
  PackageLayout layout = packageLayout(packageDir);
  std::error_code ec;
  fs::create_directories(layout.weightsDir, ec);
  if (ec) throw Error("cannot create '" + layout.weightsDir + "': " + ec.message());
  return layout;
}

void writeManifest(const std::string& packageDir) {
  PackageLayout layout = packageLayout(packageDir);
  const std::string modelId = randomUuid();
  const std::string weightsId = randomUuid();
  json manifest;
  manifest["fileFormatVersion"] = "1.0.0";
  manifest["itemInfoEntries"][modelId] = {{"author", kAuthor},
                                          {"description", "CoreML Model Specification"},
                                          {"name", kModelName},
                                          {"path", itemPath(kModelName)}};
  manifest["itemInfoEntries"][weightsId] = {{"author", kAuthor},
                                            {"description", "CoreML Model Weights"},
                                            {"name", kWeightsName},
                                            {"path", itemPath(kWeightsName)}};
  manifest["rootModelIdentifier"] = modelId;
  std::ofstream out(layout.manifest, std::ios::binary | std::ios::trunc);
  out << manifest.dump(4);  // Apple's writer: nlohmann::json, 4-space indent, sorted keys
  out.close();
  if (!out) throw Error("cannot write '" + layout.manifest + "'");
}

PackageLayout readPackage(const std::string& packageDir) {
  const std::string where = "package '" + packageDir + "'";
  if (!fs::is_directory(packageDir)) throw Error(where + " is not a directory");
  fs::path manifestPath = fs::path(packageDir) / "Manifest.json";
  requireNoLinkOutside(packageDir, "Manifest.json", where);
  requireRegularFile(manifestPath.string());
  std::ifstream in(manifestPath, std::ios::binary);
  if (!in) throw Error(where + " has no Manifest.json");
  json manifest;
  try {
    manifest = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(where + ": Manifest.json is not valid JSON (" + e.what() + ")");
  }
  auto stringField = [&](const json& object, const char* key, const std::string& context) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string()) {
      throw Error(where + ": Manifest.json " + context + " has no string \"" + key + "\"");
    }
    return object[key].get<std::string>();
  };
  std::string version = stringField(manifest, "fileFormatVersion", "top level");
  int major = -1, minor = -1, patch = -1;
  char dot1 = 0, dot2 = 0;
  std::istringstream versionText(version);
  versionText >> major >> dot1 >> minor >> dot2 >> patch;
  if (!versionText || dot1 != '.' || dot2 != '.' || !versionText.eof()) {
    throw Error(where + ": Manifest.json fileFormatVersion '" + version +
                "' is not major.minor.patch");
  }
  if (std::make_tuple(major, minor, patch) > std::make_tuple(1, 0, 0)) {
    throw Error(where + ": Manifest.json fileFormatVersion " + version + " is newer than 1.0.0");
  }
  if (!manifest.contains("itemInfoEntries") || !manifest["itemInfoEntries"].is_object()) {
    throw Error(where + ": Manifest.json has no itemInfoEntries object");
  }
  const std::string rootId = stringField(manifest, "rootModelIdentifier", "top level");
  fs::path dataDir = fs::path(packageDir) / "Data";
  std::string rootPath;
  for (const auto& [id, item] : manifest["itemInfoEntries"].items()) {
    const std::string context = "item " + id;
    std::string path = stringField(item, "path", context);
    for (const char* key : {"name", "author", "description"}) stringField(item, key, context);
    requireInsideData(path, where);
    requireNoLinkOutside(packageDir, (fs::path("Data") / path).string(), where);
    if (!fs::exists(dataDir / path)) throw Error(where + ": item '" + path + "' does not exist");
    if (id == rootId) rootPath = path;
  }
  if (rootPath.empty()) throw Error(where + ": rootModelIdentifier " + rootId + " names no item");

  PackageLayout layout;
  layout.root = packageDir;
  layout.manifest = manifestPath.string();
  layout.modelFile = (dataDir / rootPath).string();
  // Weight references are "@model_path/weights/<file>": relative to the root model's directory.
  layout.weightsDir = ((dataDir / rootPath).parent_path() / kWeightsName).string();
  layout.weightFile = (fs::path(layout.weightsDir) / "weight.bin").string();
  // The weights are no manifest item: their folder and file are checked here.
  const fs::path rootDir = (fs::path("Data") / rootPath).parent_path();
  requireNoLinkOutside(packageDir, (rootDir / kWeightsName / "weight.bin").string(), where);
  return layout;
}

}  // namespace ts2coreml::coreml
