"""The TorchScript corpus (tests/corpus/corpus_<family>.py, gathered by corpus_models.py): every
entry, saved by torch 2.13 (built here) and by torch 1.13 (committed fixtures), converts to both
formats and matches torch's output in our runtime for every input case (the cases take every
branch and loop path of the entry)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from e2e_helpers import REPO, assert_close, check_success, convert, error_line, run_model

ct = pytest.importorskip("coremltools")
from coremltools.converters.mil.frontend.milproto.load import load as milproto_load  # noqa: E402

CORPUS = REPO / "tests" / "corpus"
FIXTURES_T113 = REPO / "tests" / "fixtures" / "corpus_t1.13"

sys.path.insert(0, str(CORPUS))
import corpus_models  # noqa: E402

ENTRY_NAMES = sorted(corpus_models.ENTRIES)
ENTRY_FORMATS = [(name, fmt) for name in ENTRY_NAMES for fmt in corpus_models.ENTRIES[name].formats]


@pytest.fixture(scope="module")
def corpus_t213(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus_t2.13")
    subprocess.run([sys.executable, str(CORPUS / "build_corpus.py"), str(out)], check=True,
                   capture_output=True)
    return out


def test_corpus_is_large_enough():
    assert len(ENTRY_NAMES) >= 40, ENTRY_NAMES


def test_committed_fixtures_cover_the_corpus():
    committed = sorted(p.name for p in FIXTURES_T113.iterdir() if p.is_dir())
    assert committed == ENTRY_NAMES, "run /usr/bin/python3 tools/fixtures/make_corpus_fixtures.py"


def check_entry(entry_dir, fmt, work):
    spec = json.loads((entry_dir / "spec.json").read_text())
    assert fmt in spec["formats"]
    model = work / f"model.{fmt}"
    check_success(convert(entry_dir / "model.pt", model, inputs=spec["inputs"], precision="fp32",
                          extra=spec.get("options", [])))
    for case in spec["cases"]:
        # Fixtures written before "input_names"/"outputs" existed have < 10 of each, in order.
        files = sorted(entry_dir.glob(f"{case}.in*.npy"))
        if "input_names" in spec:
            files = [f"{name}={entry_dir / f'{case}.in{i}.npy'}"
                     for i, name in enumerate(spec["input_names"])]
        names = spec.get("outputs")
        if names is None:
            count = len(list(entry_dir.glob(f"{case}.out*.npy")))
            names = ["output"] if count == 1 else [f"output_{j}" for j in range(count)]
        outputs = run_model(model, [str(f) for f in files], work / f"out_{case}")
        assert sorted(outputs) == sorted(names)
        for j, name in enumerate(names):
            reference = np.load(entry_dir / f"{case}.out{j}.npy")
            assert_close(outputs[name], reference, "fp32", f"{entry_dir.name}/{case}/{name}")


@pytest.mark.parametrize("name,fmt", ENTRY_FORMATS)
def test_corpus_torch_2_13(corpus_t213, name, fmt, tmp_path):
    check_entry(corpus_t213 / name, fmt, tmp_path)


def test_branch_shapes_refused_for_ml_program(corpus_t213, tmp_path):
    output = tmp_path / "model.mlpackage"
    line = error_line(convert(corpus_t213 / "branch_different_shapes" / "model.pt", output,
                              inputs=["x:2x3x4"]))
    where = corpus_models.source_file("branch_different_shapes") + ":"
    assert "op mil.cond at " in line and where in line, line
    assert "needs one type" in line and ".mlmodel" in line, line
    assert not output.exists()


def test_ml_programs_load_in_coremltools(corpus_t213, tmp_path):
    """coremltools rebuilds every corpus ML Program through its op definitions and validates it
    (dynamic lists, optional values and loops included)."""
    for name in ENTRY_NAMES:
        if "mlpackage" not in corpus_models.ENTRIES[name].formats:
            continue
        spec = json.loads((corpus_t213 / name / "spec.json").read_text())
        model = tmp_path / f"{name}.mlpackage"
        check_success(convert(corpus_t213 / name / "model.pt", model, inputs=spec["inputs"],
                              extra=spec.get("options", [])))
        loaded = ct.models.MLModel(str(model), skip_model_load=True)
        program = milproto_load(loaded.get_spec(),
                                specification_version=loaded.get_spec().specificationVersion,
                                file_weights_dir=loaded.weights_dir)
        program.validate()


@pytest.mark.parametrize("name,fmt", ENTRY_FORMATS)
def test_corpus_torch_1_13(name, fmt, tmp_path):
    check_entry(FIXTURES_T113 / name, fmt, tmp_path)
