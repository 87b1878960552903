"""Tests of the installed ts2coreml package (pip install .), never of the build folder.

The seed models come from tests/e2e/models.py, which this folder shares.
"""
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))  # models.py


def pytest_configure(config):
    # torch 2.13 warns that torch.jit.script/trace are deprecated each time we use them.
    config.addinivalue_line("filterwarnings", "ignore:.*torch.jit.*:DeprecationWarning")


@pytest.fixture(scope="session", autouse=True)
def installed_package():
    import ts2coreml

    location = pathlib.Path(ts2coreml.__file__).resolve()
    if REPO / "python" in location.parents:
        pytest.exit(f"ts2coreml is imported from the source tree ({location}); install it with "
                    "pip install . and run from elsewhere", returncode=1)
    return ts2coreml


@pytest.fixture(scope="session")
def seed_inputs():
    import models

    return models.make_inputs(seed=1)
