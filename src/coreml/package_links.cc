#include "coreml/package_links.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace ts2coreml::coreml {

namespace fs = std::filesystem;

namespace {

bool isWithin(const fs::path& path, const fs::path& root) {
  auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return mismatch.first == root.end();
}

[[noreturn]] void refuse(const std::string& where, const fs::path& link, const fs::path& target,
                         const std::string& what) {
  throw Error(where + ": '" + quoteInput(link.string()) +
              "' is a symbolic link that points outside " + what + " (to '" +
              quoteInput(target.string()) + "')");
}

[[noreturn]] void unresolved(const std::string& where, const fs::path& link,
                             const std::error_code& error) {
  throw Error(where + ": '" + quoteInput(link.string()) +
              "' is a symbolic link that cannot be resolved (" + error.message() + ")");
}

}  // namespace

void requireNoLinkOutside(const std::string& root, const std::string& relative,
                          const std::string& where, const std::string& what) {
  std::error_code error;
  const fs::path base = fs::canonical(root, error);
  if (error) return;
  // One step per component of `relative`: bounded by its length.
  fs::path prefix = root, shown, lastLink;
  for (const fs::path& part : fs::path(relative)) {
    if (part.empty() || part == ".") continue;
    prefix /= part;
    shown /= part;
    if (!fs::is_symlink(prefix, error)) continue;
    lastLink = shown;
    fs::path target = fs::weakly_canonical(prefix, error);
    if (error) unresolved(where, shown, error);
    if (!isWithin(target, base)) refuse(where, shown, target, what);
  }
  if (lastLink.empty()) return;
  // "Data/link/../../x": each link stays inside, but ".." climbs from where the link leads.
  fs::path target = fs::weakly_canonical(fs::path(root) / relative, error);
  if (error) unresolved(where, shown, error);
  if (!isWithin(target, base)) {
    throw Error(where + ": '" + quoteInput(shown.string()) + "' leads outside " + what +
                " through the symbolic link '" + quoteInput(lastLink.string()) + "' (to '" +
                quoteInput(target.string()) + "')");
  }
}

}  // namespace ts2coreml::coreml
