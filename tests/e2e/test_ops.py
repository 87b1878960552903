"""Op-level tests: every op of the op table with a lowering against PyTorch (the table is op_cases.py).

Each case's module is scripted (and traced where the case says so), the op under test must be in
the compiled graph, and the model is converted to .mlpackage (fp32) and .mlmodel, run with our
runtime and compared with torch. An op without a neural-network layer must make the .mlmodel
conversion fail with one error line naming the MIL op and pointing to .mlpackage.
"""
import numpy as np
import pytest

from e2e_helpers import (FORMATS, assert_close, check_success, error_line, run_model,
                         validate_with_coremltools)
from op_case_runner import convert_case, hows, load_modules, save_case, torch_ops
from op_cases import CASES


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    return load_modules(CASES, tmp_path_factory.mktemp("op_modules"))


def compare(outputs, references, what):
    names = ["output"] if len(references) == 1 else [f"output_{i}" for i in range(len(references))]
    assert sorted(outputs) == sorted(names), f"{what}: outputs {sorted(outputs)}"
    for name, reference in zip(names, references):
        ours = outputs[name]
        if reference.ndim == 0 and ours.shape == (1,):
            ours = ours.reshape(())  # Core ML outputs have rank >= 1; torch's scalars are 0-d
        assert ours.shape == reference.shape, f"{what} {name}: shape {ours.shape} != {reference.shape}"
        if reference.dtype == bool or ours.dtype == bool:
            np.testing.assert_array_equal(ours.astype(bool), reference.astype(bool), err_msg=what)
        else:
            assert_close(ours, reference, "fp32", f"{what} {name}")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_op(case, modules, tmp_path):
    for how in hows(case):
        work = tmp_path / how
        archive, inputs, references = save_case(case, modules[case.id], how, work)
        assert case.op in torch_ops(archive, inputs), f"{case.op} is not in the {how} graph"
        feeds = [f"{name}={work / (name + '.npy')}" for name, _ in inputs]
        for fmt in FORMATS:
            model = work / f"model{fmt}"
            nn_target = fmt == ".mlmodel" and case.nn_target
            extra = ["--minimum-deployment-target", case.nn_target] if nn_target else []
            result = convert_case(archive, inputs, model, extra)
            if fmt == ".mlmodel" and case.nn_error:
                line = error_line(result)
                assert case.nn_error in line and ".mlpackage" in line, line
                continue
            check_success(result)
            validate_with_coremltools(model)
            outputs = run_model(model, feeds, work / f"out{fmt}")
            compare(outputs, references, f"{case.id} {how} {fmt}")
