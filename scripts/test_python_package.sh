#!/usr/bin/env bash
# The Python package as a user gets it: `pip install .` into a fresh virtual environment (no
# system site-packages), then tests/python with pytest against the installed package.
# Run after scripts/setup.sh: its Debian packages are needed, and its build of build/ has filled
# ccache, so the package's build (build-python/, same compile commands) is mostly cache hits.
# pip's own cache is reused; the venv is deleted at the end.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "creating a fresh venv in $work/venv"
python3 -m venv "$work/venv"
venv_python="$work/venv/bin/python"

log "installing the test tools: $PIP_TORCH ${PIP_PACKAGES[*]}"
"$venv_python" -m pip install --quiet "$PIP_TORCH" "${PIP_PACKAGES[@]}"

log "pip install . (build requirements pinned in pyproject.toml)"
started=$SECONDS
CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv_python" -m pip install --quiet "$REPO_ROOT"
log "pip install . took $((SECONDS - started)) s"

# From another folder, so that nothing of the source tree can shadow the installed package.
cd "$work"
"$venv_python" -m pytest "$REPO_ROOT/tests/python" -q -p no:cacheprovider
