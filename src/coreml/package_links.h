// Symbolic links inside a model package: a Manifest.json, model.mlmodel, weight file or folder
// of the package may be a link, and reading through one that leads outside would make `run` and
// `inspect` read a file the package does not hold (a user's key, /etc/passwd) as its content.
#pragma once

#include <string>

namespace ts2coreml::coreml {

// Throws Error "<where>: '<link>' is a symbolic link that points outside <what> (to '<target>')"
// when a component of `relative` (a path below the folder `root`) is a symbolic link that
// resolves outside `root`, or when the whole path does (a ".." after a link). Links that stay
// inside are fine; a missing root or path is left to the caller's open to report.
void requireNoLinkOutside(const std::string& root, const std::string& relative,
                          const std::string& where, const std::string& what = "the package");

}  // namespace ts2coreml::coreml
