"""torchvision classification models (Debian's torchvision 0.14 with torch 1.13), scripted and
traced, converted to both formats at fp32 and compared with torch's output on the same input."""
import subprocess
from pathlib import Path

import numpy as np
import pytest

from e2e_helpers import (FORMATS, assert_close, check_success, convert, run_model,
                         validate_with_coremltools)

DEBIAN_PYTHON = "/usr/bin/python3"
GENERATOR = Path(__file__).with_name("torchvision_models.py")
MODELS = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
          "squeezenet1_1", "shufflenet_v2_x0_5", "densenet121", "vgg11"]


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    out = tmp_path_factory.mktemp("torchvision")
    result = subprocess.run([DEBIAN_PYTHON, str(GENERATOR), str(out), *MODELS],
                            capture_output=True, text=True)
    assert result.returncode == 0, (
        f"{DEBIAN_PYTHON} with python3-torchvision is needed (scripts/setup.sh installs it):\n"
        f"{result.stderr[-2000:]}")
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("name", MODELS)
def test_model_matches_torch(saved_models, tmp_path, name, how, fmt):
    archive = saved_models / f"{name}_{how}.pt"
    reference = np.load(saved_models / f"{name}_{how}.npy")
    assert np.abs(reference).max() > 0.1, "the reference output is too small to compare"
    model = tmp_path / f"{name}{fmt}"
    check_success(convert(archive, model, inputs=["1x3x64x64"], precision="fp32"))
    validate_with_coremltools(model)
    ours = run_model(model, [saved_models / "input.npy"], tmp_path / "out")["output"]
    assert_close(ours, reference, "fp32", f"{name} {how}")
