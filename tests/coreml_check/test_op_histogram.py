"""Our ML Programs of real models have no more ops than coremltools makes of the same models.

The torchvision models of tests/e2e/test_torchvision_models.py are saved (traced) by Debian's
python3 (torch 1.13 + torchvision 0.14, tests/e2e/torchvision_models.py). Each archive is
  * loaded with torch.jit.load here (torch 2.13) and converted by coremltools.convert to an ML
    Program (iOS15, coremltools' default fp16 compute precision);
  * converted by our CLI to .mlpackage (our default is fp16 too).
Ops are counted in the main function, nested blocks included; `const` is left out of the totals
(coremltools and we store constants differently). Both histograms are printed side by side.
A model coremltools cannot convert is skipped with the reason printed, never counted as passed.
Our cleaned fp16 programs are also validated by coremltools, run by our runtime and compared
with torch's output.
"""
import collections
import importlib.util
import os
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO_ROOT

E2E_DIR = REPO_ROOT / "tests" / "e2e"
INPUT_SHAPE = (1, 3, 64, 64)  # the generator's SIZE


def _load_e2e_module(name):
    """A module of tests/e2e by path, under a private name (pytest does not collect it here)."""
    if str(E2E_DIR) not in sys.path:
        sys.path.append(str(E2E_DIR))  # for its own `from e2e_helpers import ...`
    spec = importlib.util.spec_from_file_location(f"_e2e_{name}", E2E_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helpers = _load_e2e_module("e2e_helpers")
MODELS = helpers.TORCHVISION_MODELS


def _cli():
    explicit = os.environ.get("TS2COREML_BIN")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("TS2COREML_BUILD_DIR", REPO_ROOT / "build")) / "ts2coreml"


def _count_proto_block(block, counts):
    for op in block.operations:
        counts[op.type] += 1
        for inner in op.blocks:
            _count_proto_block(inner, counts)


def _our_histogram(package):
    import coremltools as ct

    spec = ct.models.MLModel(str(package), skip_model_load=True).get_spec()
    main = spec.mlProgram.functions["main"]
    counts = collections.Counter()
    _count_proto_block(main.block_specializations[main.opset], counts)
    return counts


def _count_mil_block(block, counts):
    for op in block.operations:
        counts[op.op_type] += 1
        for inner in op.blocks:
            _count_mil_block(inner, counts)


def _coremltools_histogram(archive):
    """coremltools' op histogram, or the reason it cannot convert the archive."""
    import coremltools as ct
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.load is deprecated in torch 2.13
        model = torch.jit.load(str(archive)).eval()
        try:
            mlmodel = ct.convert(model, inputs=[ct.TensorType(shape=INPUT_SHAPE)],
                                 convert_to="mlprogram",
                                 minimum_deployment_target=ct.target.iOS15)
        except Exception as error:  # noqa: BLE001 - any converter failure is the reason
            where = traceback.extract_tb(error.__traceback__)[-1]
            first_line = str(error).splitlines()[0] if str(error) else ""
            return None, (f"{type(error).__name__}: {first_line} "
                          f"[in {Path(where.filename).name}:{where.lineno} {where.name}]")
    counts = collections.Counter()
    _count_mil_block(mlmodel._mil_program.functions["main"], counts)
    return counts, None


def _total(counts):
    return sum(n for op, n in counts.items() if op != "const")


def _side_by_side(name, ours, theirs):
    lines = [f"{name}: ops per type (ours | coremltools)"]
    for op in sorted(set(ours) | set(theirs)):
        lines.append(f"  {op:<20} {ours.get(op, 0):>6} | {theirs.get(op, 0):>6}")
    lines.append(f"  {'total without const':<20} {_total(ours):>6} | {_total(theirs):>6}")
    return "\n".join(lines)


class Conversions:
    """Both conversions of each model, made once per module and kept."""

    def __init__(self, archives, work_dir):
        self.archives = archives
        self.work_dir = work_dir
        self._ours = {}
        self._theirs = {}

    def archive(self, name):
        return self.archives / f"{name}_trace.pt"

    def ours(self, name):
        if name not in self._ours:
            package = self.work_dir / f"{name}.mlpackage"
            spec = "x".join(map(str, INPUT_SHAPE))
            result = subprocess.run([str(_cli()), "convert", str(self.archive(name)), "-o",
                                     str(package), "--input", spec],
                                    capture_output=True, text=True, timeout=600)
            self._ours[name] = (package, result)
        package, result = self._ours[name]
        assert result.returncode == 0, f"ts2coreml convert {name}: {result.stderr[-2000:]}"
        return package

    def theirs(self, name):
        if name not in self._theirs:
            self._theirs[name] = _coremltools_histogram(self.archive(name))
        return self._theirs[name]


@pytest.fixture(scope="module")
def conversions(tmp_path_factory):
    if not _cli().exists():
        pytest.fail(f"{_cli()} not found: build it, or set TS2COREML_BIN / TS2COREML_BUILD_DIR")
    archives = helpers.torchvision_archives_dir()  # shared with the e2e suite
    return Conversions(archives, tmp_path_factory.mktemp("converted"))


@pytest.mark.parametrize("name", MODELS)
def test_no_more_ops_than_coremltools(conversions, name):
    ours = _our_histogram(conversions.ours(name))
    theirs, reason = conversions.theirs(name)
    if theirs is None:
        message = f"{name}: coremltools cannot convert it ({reason}); ours has {_total(ours)} ops"
        print(message)
        pytest.skip(message)
    table = _side_by_side(name, ours, theirs)
    print(table)
    assert _total(ours) <= _total(theirs), table


@pytest.mark.parametrize("name", MODELS)
def test_cleaned_fp16_program_matches_torch(conversions, name, tmp_path):
    """The fused fp16 program (what the op counts above are taken from) is valid for coremltools
    (every op type-checked) and still computes the model: run by our runtime on the generator's
    input, it matches torch within fp16 tolerance."""
    package = conversions.ours(name)
    helpers.validate_with_coremltools(package)
    reference = np.load(conversions.archives / f"{name}_trace.npy")
    assert np.abs(reference).max() > 0.1, "the reference output is too small to compare"
    ours = helpers.run_model(package, [conversions.archives / "input.npy"], tmp_path)["output"]
    helpers.assert_close(ours, reference, "fp16", name)
