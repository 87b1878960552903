// The .mlpackage directory layout:
//   Foo.mlpackage/Manifest.json
//   Foo.mlpackage/Data/com.apple.CoreML/model.mlmodel
//   Foo.mlpackage/Data/com.apple.CoreML/weights/weight.bin
// Manifest.json lists both items under fresh UUIDs and names the model as the root item
// (/work/shared/reference/coreml-format.md section 5).
#pragma once

#include <string>

namespace ts2coreml::coreml {

// Paths inside a package directory.
struct PackageLayout {
  std::string root;        // the .mlpackage directory
  std::string manifest;    // root/Manifest.json
  std::string modelFile;   // root/Data/com.apple.CoreML/model.mlmodel
  std::string weightsDir;  // root/Data/com.apple.CoreML/weights
  std::string weightFile;  // weightsDir/weight.bin
};

// The file name our consts reference in BlobFileValue.fileName.
inline constexpr const char* kWeightFileReference = "@model_path/weights/weight.bin";

// Where we write the items inside `packageDir` (no I/O).
PackageLayout packageLayout(const std::string& packageDir);

// Creates Data/com.apple.CoreML/weights under `packageDir` (which must exist).
PackageLayout createPackageDirectories(const std::string& packageDir);

// Writes Manifest.json for the layout of packageLayout(); call after the model file and the
// weights exist. The identifiers are random UUIDs (version 4) from /dev/urandom.
void writeManifest(const std::string& packageDir);

// Reads and validates Manifest.json of an existing package (format version, the four keys of
// every item, the root model entry, items present on disk) and returns where the root model and
// its weights directory are. Throws Error naming the package and the problem.
PackageLayout readPackage(const std::string& packageDir);

// A random RFC 4122 version-4 UUID in upper case ("5B6B1A5E-3C9E-4C51-9B0E-2F1E7A8D9C01").
std::string randomUuid();

}  // namespace ts2coreml::coreml
