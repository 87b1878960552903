"""Fixtures of the end-to-end suite (helpers live in e2e_helpers.py)."""
import os

import numpy as np
import pytest
import torch

import models
from e2e_helpers import ConversionCache, cli_path, torchvision_archives_dir


# Every conversion of the suite runs the verifier (structure and MIL op signatures from
# src/ir/mil_ops.def) after every pass: over the corpus it costs no measurable time.
os.environ.setdefault("TS2COREML_VERIFY_EACH_PASS", "1")


def pytest_configure(config):
    # torch 2.13 warns that torch.jit.script/trace are deprecated each time we use them.
    config.addinivalue_line("filterwarnings", "ignore:.*torch.jit.*:DeprecationWarning")
    # Tracing library modules (nn.LSTM's shape checks) warns that the trace is specialised.
    config.addinivalue_line("filterwarnings", "ignore::torch.jit.TracerWarning")


@pytest.fixture(scope="session", autouse=True)
def built_cli():
    path = cli_path()
    if not path.is_file():
        pytest.exit(f"ts2coreml executable not found at {path}: build it (scripts/setup.sh) or set "
                    "TS2COREML_BIN", returncode=1)
    return path


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ts2coreml_e2e")


class SeedModels:
    """The seed models scripted with the installed torch, saved, and their torch results."""

    def __init__(self, work_dir, conversions):
        self.dir = work_dir / "seed"
        self.dir.mkdir()
        self.conversions = conversions
        self.inputs = models.make_inputs(seed=1)
        self.input_paths = {}
        for kind, array in self.inputs.items():
            self.input_paths[kind] = self.dir / f"input_{kind}.npy"
            np.save(self.input_paths[kind], array)
        self._scripted = {}

    def scripted(self, name):
        if name not in self._scripted:
            self._scripted[name] = models.make_scripted(name)
            self._scripted[name].save(str(self.dir / f"{name}.pt"))
        return self._scripted[name]

    def archive(self, name):
        self.scripted(name)
        return self.dir / f"{name}.pt"

    def torch_output(self, name, kind):
        with torch.no_grad():
            return self.scripted(name)(torch.from_numpy(self.inputs[kind])).numpy()

    def loop_output(self, name, kind, iterations):
        x = torch.from_numpy(self.inputs[kind])
        return models.run_loop_body(self.scripted(name), x, iterations).numpy()

    def converted(self, name, fmt, precision):
        return self.conversions.get(self.archive(name), fmt, precision)

    def run(self, name, fmt, precision, kind):
        return self.conversions.run(self.archive(name), fmt, precision, self.input_paths[kind])


@pytest.fixture(scope="session")
def conversions(work_dir):
    return ConversionCache(work_dir)


@pytest.fixture(scope="session")
def seed_models(work_dir, conversions):
    return SeedModels(work_dir, conversions)


@pytest.fixture(scope="session")
def torchvision_archives():
    """See e2e_helpers.torchvision_archives_dir."""
    return torchvision_archives_dir()
