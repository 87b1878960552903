# Shared settings of the scripts in scripts/ (sourced, not run).
# TS2COREML_BUILD_DIR  build folder (default: build)
# TS2COREML_PYTHON     Python with torch 2.13, numpy, pytest, coremltools (default: .venv/bin/python
#                      when scripts/setup.sh created it, else python3)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${TS2COREML_BUILD_DIR:-$REPO_ROOT/build}"

# Python test tools, pinned; setup.sh and test_python_package.sh install exactly these.
# torch==2.13.0 resolves to the CPU wheel the machine keeps on disk (pip's find-links).
PIP_TORCH="torch==2.13.0"
PIP_PACKAGES=("numpy==2.4.6" "pytest==9.0.3" "pytest-xdist==3.8.0" "coremltools==9.0")

ts2coreml_python() {
  if [[ -n "${TS2COREML_PYTHON:-}" ]]; then
    echo "$TS2COREML_PYTHON"
  elif [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then
    echo "$REPO_ROOT/.venv/bin/python"
  else
    echo python3
  fi
}

log() { printf '==> %s\n' "$*" >&2; }

# Installs the given Debian packages that are not installed yet (apt-get, with sudo when not root).
install_missing_apt_packages() {
  local missing=() package sudo=""
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all present"
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  if [[ "$(id -u)" -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}
