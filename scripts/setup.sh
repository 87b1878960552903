#!/usr/bin/env bash
# Prepares a Debian 12 machine for ts2coreml and builds it into build/.
#   1. Debian packages of the build (compiler, CMake, Ninja, the C++ libraries) and of the tests.
#   2. The Python test tools: torch 2.13 (CPU), numpy, pytest, pytest-xdist, coremltools. They go into .venv/
#      unless python3 already has them (Debian's python3 refuses system-wide pip installs).
#   3. CMake configure + build (Release, Ninja); only the targets in $TS2COREML_BUILD_TARGETS when set.
# Idempotent: each step only does what is missing, so a second run is quick and works offline.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

APT_PACKAGES=(
  g++ cmake ninja-build pkg-config            # compiler and build system
  libprotobuf-dev protobuf-compiler           # Core ML model files are protobuf
  zlib1g-dev                                  # deflated entries of TorchScript zip archives
  libfmt-dev nlohmann-json3-dev libcli11-dev  # formatting, Manifest.json, command line
  libeigen3-dev                               # runtime kernels
  libgtest-dev libgmock-dev                   # unit tests
  clang-format                                # code style
  python3 python3-venv python3-pip            # end-to-end tests (pytest)
  time                                        # /usr/bin/time -v in bench/
  ccache                                      # the Python package's build reuses build/'s objects
  python3-dev                                 # headers of the Python extension (pip install .)
  python3-torchvision                         # torchvision models (torch 1.13) for the e2e tests
  clang libclang-rt-14-dev llvm               # tests only: ASan/UBSan build, libFuzzer, symbolizer
)
# PIP_TORCH and PIP_PACKAGES (the pinned Python test tools) are in common.sh.

install_missing_apt_packages "${APT_PACKAGES[@]}"

python_ready() {
  "$1" - <<'PY' >/dev/null 2>&1
import importlib, sys
import torch
assert torch.__version__.startswith("2.13."), torch.__version__
for name in ("numpy", "pytest", "xdist", "coremltools"):
    importlib.import_module(name)
PY
}

PYTHON="$(ts2coreml_python)"
externally_managed() {
  local stdlib
  stdlib="$("$1" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"
  [[ -e "$stdlib/EXTERNALLY-MANAGED" ]]
}
if python_ready "$PYTHON"; then
  log "Python test tools: present in $PYTHON"
else
  # torch==2.13.0 resolves to the CPU wheel the machine keeps on disk (pip's configured
  # find-links); never ask an index for an unpinned torch, which is a multi-GB CUDA build.
  if ! externally_managed python3; then
    PYTHON=python3
  else
    if [[ ! -x .venv/bin/python ]]; then
      log "creating .venv (the system python3 does not take pip installs)"
      python3 -m venv .venv
    fi
    PYTHON="$REPO_ROOT/.venv/bin/python"
  fi
  log "installing $PIP_TORCH and ${PIP_PACKAGES[*]} into $PYTHON"
  "$PYTHON" -m pip install "$PIP_TORCH" "${PIP_PACKAGES[@]}"
  python_ready "$PYTHON" || { log "Python packages still missing in $PYTHON"; exit 1; }
fi

# TS2COREML_BUILD_TARGETS (space-separated) builds only those targets, e.g. the demo's CLI.
read -r -a targets <<<"${TS2COREML_BUILD_TARGETS:-}"
log "building ${targets[*]:-everything} into $BUILD_DIR"
cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" ${targets[@]:+--target "${targets[@]}"}
log "ready: $BUILD_DIR/ts2coreml"
