"""What the CLI says when the interface options do not fit the model: a submodule or method that
does not exist (the error lists what there is), a constant of the wrong type, a constant for a
tensor parameter, a run-time number with a shape of more than one element, a parameter that is
neither. Each is one `error:` line, exit code 1 and no output. `inspect --module` shows the
submodule's signature."""
from typing import List

import pytest
import torch
import torch.nn as nn

import numpy as np
from e2e_helpers import assert_close, check_success, convert, error_line, run_cli, run_model


class Inner(nn.Module):
    def forward(self, x, rate: int, sizes: List[int]):
        return x * rate

    @torch.jit.export
    def scale(self, x, factor: float):
        return x * factor


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Inner()
        self.head = nn.Linear(3, 3)

    def forward(self, x):
        return self.head(x)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("entry") / "outer.pt"
    torch.jit.script(Outer()).save(str(path))
    return path


CASES = [
    (["x:2x3"], ["--module", "nope"], "has no submodule 'nope' (submodules: inner, head)"),
    (["x:2x3"], ["--module", "inner.deeper"], "has no submodule 'deeper'"),
    (["x:2x3"], ["--method", "decode"], "has no decode() method (methods: forward)"),
    (["x:2x3", "rate=fast", "sizes=None"], ["--module", "inner"],
     "--input rate='fast': parameter 'rate' is int"),
    (["x=3", "rate=2"], ["--module", "inner"], "(a tensor: give its shape"),
    (["x:2x3", "rate:2"], ["--module", "inner"], "is one value: give shape 1"),
    (["x:2x3", "rate=2", "sizes:1"], ["--module", "inner"],
     "parameter 'sizes' is List[int], which can be neither a model input nor fixed"),
    (["x:2x3"], ["--module", "inner", "--method", "scale"],
     "missing --input for scale() parameter 'factor' (e.g. --input factor=VALUE)"),
    (["x:2x3", "nope=1"], [], "--input 'nope': forward() has no parameter of that name"),
    (["x:2x3", "9lives=1"], [], "'9lives' is not a valid parameter name"),
]


@pytest.mark.parametrize("specs,options,message", CASES, ids=[c[2][:40] for c in CASES])
def test_interface_errors(archive, specs, options, message, tmp_path):
    output = tmp_path / "model.mlpackage"
    line = error_line(convert(archive, output, inputs=specs, extra=options))
    assert message in line, line
    assert not output.exists()


def test_invalid_module_path_is_refused_by_the_option_parser(archive, tmp_path):
    line = error_line(convert(archive, tmp_path / "m.mlpackage", inputs=["x:2x3"],
                              extra=["--module", "a..b"]))
    assert "is not a dotted path of submodule names" in line, line


class StagesOfBlocks(nn.Module):
    def __init__(self):
        super().__init__()
        self.stages = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Linear(4, 2)))

    def forward(self, x):
        return self.stages(x)


def test_module_path_takes_child_indices(tmp_path):
    """nn.Sequential / nn.ModuleList children are named 0, 1, ...: `--module stages.1.1`."""
    module = torch.jit.script(StagesOfBlocks().eval())
    archive = tmp_path / "model.pt"
    module.save(str(archive))
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    model = tmp_path / "inner.mlpackage"
    check_success(convert(archive, model, inputs=["input:2x4"], precision="fp32",
                          extra=["--module", "stages.1.1"]))  # nn.Linear's parameter name
    outputs = run_model(model, [f"input={tmp_path / 'x.npy'}"], tmp_path / "out")
    with torch.no_grad():
        reference = module.stages[1][1](torch.from_numpy(x)).numpy()
    assert_close(outputs["output"], reference, "fp32", "stages.1.1")


def test_inspect_shows_the_submodule_method(archive):
    result = check_success(run_cli("inspect", archive, "--module", "inner", "--method", "scale",
                                   "--input", "x:2x3", "--input", "factor=0.5"))
    assert "module inner\nscale(x: Tensor, factor: float)" in result.stdout, result.stdout


class UnpackUnknownShape(nn.Module):
    def forward(self, x):
        b, n, c = x.size()
        h, w = x.size()[-2:]
        q, k, v = x.unbind(0)
        return (q + k + v) * (b * n * c * h * w)


def test_unpacking_sizes_and_unbind_of_unknown_shape_needs_no_list_op(tmp_path):
    """Without --input the shape is unknown: the names being unpacked say how many items there
    are, so no prim::ListUnpack is left for the converter to refuse."""
    archive = tmp_path / "unpack.pt"
    torch.jit.script(UnpackUnknownShape()).save(str(archive))
    summary = check_success(run_cli("inspect", archive)).stdout
    assert "unsupported ops" not in summary, summary
    assert "prim::ListUnpack" not in summary, summary
