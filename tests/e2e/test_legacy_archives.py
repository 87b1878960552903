"""Committed archives written by other torch releases (tools/fixtures/make_model_fixtures.py):
torch 1.13 (Debian) for both seed models, torch 2.13 for ControlFlowNet. Each is converted to
both formats and compared with the outputs torch stored beside it."""
import numpy as np
import pytest

from e2e_helpers import FIXTURE_MODELS, FORMATS, PRECISIONS, assert_close, is_close

ARCHIVES = ["controlflow_t1.13", "controlflow2_t1.13", "controlflow_t2.13"]
LOOPS_TAKEN = {"neg": 2, "pos": 1}


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda fmt: fmt[1:])
@pytest.mark.parametrize("stem", ARCHIVES)
def test_matches_stored_torch_outputs(conversions, stem, fmt, precision):
    archive = FIXTURE_MODELS / f"{stem}.pt"
    for kind, taken in LOOPS_TAKEN.items():
        ours = conversions.run(archive, fmt, precision, FIXTURE_MODELS / f"input_{kind}.npy")
        expected = np.load(FIXTURE_MODELS / f"{stem}.{kind}.loop{taken}.npy")
        other = np.load(FIXTURE_MODELS / f"{stem}.{kind}.loop{3 - taken}.npy")
        assert_close(ours, expected, precision, f"{stem} {kind} input")
        assert not is_close(ours, other, precision), f"{kind} input: wrong loop count also matches"
