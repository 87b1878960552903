"""Scripted nn.LSTM, nn.GRU and nn.TransformerEncoderLayer, saved by torch 2.13 (here) and by
torch 1.13 (committed fixtures), compile: `inspect` reads their code, folds every input check
(no dropped runtime check, no control flow left) and reduces forward() to the library op."""
import subprocess
import sys

import pytest

from e2e_helpers import REPO, check_success, run_cli

CORPUS = REPO / "tests" / "corpus"
FIXTURES_T113 = REPO / "tests" / "fixtures" / "recurrent_t1.13"
sys.path.insert(0, str(CORPUS))
import recurrent_models  # noqa: E402


@pytest.fixture(scope="module")
def saved_t213(tmp_path_factory):
    out = tmp_path_factory.mktemp("recurrent_t2.13")
    subprocess.run([sys.executable, str(CORPUS / "recurrent_models.py"), str(out)], check=True,
                   capture_output=True)
    return out


def check_compiles(archive, name):
    spec, op = recurrent_models.MODELS[name]
    result = check_success(run_cli("inspect", archive, "--input", spec))
    assert f"  {op}: 1" in result.stdout, result.stdout
    assert "control flow: 0 if, 0 loop" in result.stdout, result.stdout
    assert "dropped" not in result.stderr, result.stderr


@pytest.mark.parametrize("name", sorted(recurrent_models.MODELS))
def test_compiles_torch_2_13(saved_t213, name):
    check_compiles(saved_t213 / f"{name}.pt", name)


@pytest.mark.parametrize("name", sorted(recurrent_models.MODELS))
def test_compiles_torch_1_13(name):
    check_compiles(FIXTURES_T113 / f"{name}.pt", name)
