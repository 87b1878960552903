"""torchvision classification models (Debian's torchvision 0.14 with torch 1.13), scripted and
traced, converted to both formats at fp32 and compared with torch's output on the same input."""
import numpy as np
import pytest

from e2e_helpers import (FORMATS, assert_close, check_success, convert, run_model,
                         validate_with_coremltools)

from e2e_helpers import TORCHVISION_MODELS as MODELS


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("name", MODELS)
def test_model_matches_torch(torchvision_archives, tmp_path, name, how, fmt):
    saved_models = torchvision_archives
    archive = saved_models / f"{name}_{how}.pt"
    reference = np.load(saved_models / f"{name}_{how}.npy")
    assert np.abs(reference).max() > 0.1, "the reference output is too small to compare"
    model = tmp_path / f"{name}{fmt}"
    check_success(convert(archive, model, inputs=["1x3x64x64"], precision="fp32"))
    validate_with_coremltools(model)
    ours = run_model(model, [saved_models / "input.npy"], tmp_path / "out")["output"]
    assert_close(ours, reference, "fp32", f"{name} {how}")
