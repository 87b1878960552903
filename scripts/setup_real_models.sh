#!/usr/bin/env bash
# Installs the packages of the real-model suite (tests/real_models), pinned in
# tests/real_models/pins.txt, each suite into its own folder $BUILD_DIR/test-deps/<pkg>-<version>
# with `pip install --target --no-deps` (nothing goes into a system Python; the suite puts the
# folder on PYTHONPATH):
#   timm          for Debian's /usr/bin/python3 (torch 1.13 + torchvision 0.14 + yaml from apt)
#   transformers  for the test Python (torch 2.13), with the packages it imports at import time
# Idempotent and offline once done: a suite whose folder imports is left alone.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

APT_PACKAGES=(python3-torch python3-torchvision python3-yaml)
install_missing_apt_packages "${APT_PACKAGES[@]}"

TEST_PYTHON="$(ts2coreml_python)"
while read -r suite python packages; do
  [[ -z "$suite" || "$suite" == \#* ]] && continue
  [[ "$python" == python3 ]] && python="$TEST_PYTHON"
  read -r -a pinned <<<"$packages"
  target="$BUILD_DIR/test-deps/${pinned[0]/==/-}"
  module="${suite//-/_}"
  if PYTHONPATH="$target" "$python" -c "import $module" >/dev/null 2>&1; then
    log "real-model suite $suite: ${pinned[*]} present in $target"
    continue
  fi
  log "real-model suite $suite: installing ${pinned[*]} into $target"
  rm -rf "$target"
  "$TEST_PYTHON" -m pip install --quiet --no-deps --target "$target" "${pinned[@]}"
  PYTHONPATH="$target" "$python" -c "import $module" ||
    { log "$suite does not import with $python after the install"; exit 1; }
done <tests/real_models/pins.txt
