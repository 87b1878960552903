#include "coreml/atomic_output.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace ts2coreml::coreml {

namespace fs = std::filesystem;

std::string randomHex(size_t bytes) {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  if (!random.read(raw.data(), static_cast<std::streamsize>(bytes))) {
    throw Error("cannot read /dev/urandom");
  }
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

namespace {

// "<dir>/.<name>.<tag>-<random>": hidden, next to the target.
std::string siblingPath(const fs::path& target, const std::string& tag) {
  fs::path parent = target.parent_path();
  // Built with append(): GCC 12 warns falsely (-Wrestrict) on a chain of operator+ here.
  std::string name(".");
  name.append(target.filename().string()).append(".").append(tag).append("-").append(randomHex(6));
  return (parent.empty() ? fs::path(name) : parent / name).string();
}

void removeQuietly(const std::string& path) {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

// An existing target is replaced only when it is a Core ML model of the kind being written: a
// package folder with its Manifest.json, or a regular .mlmodel file. Anything else (a user's
// folder that happens to end in .mlpackage, a directory named x.mlmodel) is refused untouched.
void requireReplaceable(const std::string& target, AtomicOutput::Kind kind) {
  std::error_code ec;
  fs::file_status status = fs::symlink_status(target, ec);
  if (ec || !fs::exists(status)) return;
  if (kind == AtomicOutput::Kind::Directory) {
    fs::file_status manifest = fs::symlink_status(fs::path(target) / "Manifest.json", ec);
    if (!fs::is_directory(status) || ec || !fs::is_regular_file(manifest)) {
      throw Error("'" + target +
                  "' exists and is not a Core ML package (a folder with a Manifest.json); it is "
                  "not replaced: remove it or choose another output");
    }
    return;
  }
  if (!fs::is_regular_file(fs::status(target, ec)) || ec) {
    throw Error("'" + target +
                "' exists and is not a regular file (a .mlmodel); it is not replaced: remove it "
                "or choose another output");
  }
}

}  // namespace

AtomicOutput::AtomicOutput(std::string target, Kind kind) : kind_(kind) {
  fs::path path(target);
  while (path.has_filename() == false && path.has_parent_path() && path != path.root_path()) {
    path = path.parent_path();  // "out.mlpackage/" -> "out.mlpackage"
  }
  if (path.filename().empty()) throw Error("output path '" + target + "' has no file name");
  fs::path parent = path.parent_path();
  if (!parent.empty() && !fs::is_directory(parent)) {
    throw Error("cannot write '" + target + "': directory '" + parent.string() +
                "' does not exist");
  }
  target_ = path.string();
  requireReplaceable(target_, kind_);
  temp_ = siblingPath(path, "tmp");
  if (kind_ == Kind::Directory) {
    std::error_code ec;
    if (!fs::create_directory(temp_, ec) || ec) {
      throw Error("cannot create temporary directory '" + temp_ + "': " + ec.message());
    }
  }
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) removeQuietly(temp_);
}

void AtomicOutput::commit() {
  if (committed_) return;
  requireReplaceable(target_, kind_);  // again: the target may have appeared meanwhile
  std::error_code ec;
  if (kind_ == Kind::File && !fs::is_directory(target_)) {
    // rename(2) replaces an existing file atomically.
    fs::rename(temp_, target_, ec);
    if (ec) throw Error("cannot move '" + temp_ + "' to '" + target_ + "': " + ec.message());
    committed_ = true;
    return;
  }
  // A non-empty directory cannot be replaced by rename(2): move the old target aside first and
  // put it back if the final rename fails.
  std::string aside;
  if (fs::exists(fs::symlink_status(target_))) {
    aside = siblingPath(target_, "old");
    fs::rename(target_, aside, ec);
    if (ec) throw Error("cannot replace '" + target_ + "': " + ec.message());
  }
  fs::rename(temp_, target_, ec);
  if (ec) {
    std::error_code restoreError;
    if (!aside.empty()) fs::rename(aside, target_, restoreError);
    throw Error("cannot move '" + temp_ + "' to '" + target_ + "': " + ec.message());
  }
  committed_ = true;
  if (!aside.empty()) removeQuietly(aside);
}

}  // namespace ts2coreml::coreml
