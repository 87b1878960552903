"""Fixtures of the real-model suite (tests/real_models): the CLI must be built."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from e2e_helpers import cli_path  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning")


@pytest.fixture(scope="session", autouse=True)
def built_cli():
    path = cli_path()
    if not path.is_file():
        pytest.exit(f"ts2coreml executable not found at {path}: build it (scripts/setup.sh) or set "
                    "TS2COREML_BIN", returncode=1)
    return path
