"""What the compiler folds and what it keeps, shown end to end (toward the full construct corpus):

* activation selection on a module attribute (`if self.act == "relu"`) folds away: the converted
  model has no control flow at all, and `inspect` says so;
* a `while` loop whose condition depends on tensor values stays a loop: the same file runs a
  different number of iterations for different inputs;
* an unsupported op is reported with its name and the Python file and line, and nothing is
  written.
"""
import numpy as np
import pytest
import torch
from torch import nn

from e2e_helpers import FORMATS, assert_close, check_success, convert, error_line, run_cli, run_model


class ActivationSelect(nn.Module):
    def __init__(self, act: str):
        super().__init__()
        self.act = act
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        if self.act == "relu":
            y = torch.relu(y)
        elif self.act == "sigmoid":
            y = torch.sigmoid(y)
        else:
            y = torch.tanh(y)
        return y


class DoubleUntilLarge(nn.Module):
    """Doubles x until its mean reaches 4: the trip count depends on the input values."""

    def forward(self, x):
        while torch.mean(x) < 4.0:
            x = x * 2
        return x


class Unsupported(nn.Module):
    """Two ops without a Core ML lowering (histogram binning and an SVD), used on purpose."""

    def forward(self, x):
        counts = torch.histc(x, bins=4)
        singular = torch.linalg.svdvals(x)
        return counts.sum() + singular.sum()


def save(module, path):
    torch.jit.save(torch.jit.script(module.eval()), str(path))
    return path


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh"])
def test_activation_selection_folds_to_straight_line_code(tmp_path, act, fmt):
    torch.manual_seed(0)
    module = ActivationSelect(act)
    archive = save(module, tmp_path / "act.pt")
    model = tmp_path / f"act{fmt}"
    check_success(convert(archive, model, inputs=["1x3x8x8"], precision="fp32"))

    summary = check_success(run_cli("inspect", archive, "--input", "1x3x8x8")).stdout
    assert "control flow: 0 if, 0 loop" in summary, summary
    described = check_success(run_cli("inspect", model)).stdout.lower()
    for control_flow in ("cond", "while_loop", "branch", "loop"):
        assert f"{control_flow}:" not in described, described

    x = torch.randn(1, 3, 8, 8)
    np.save(tmp_path / "x.npy", x.numpy())
    ours = run_model(model, [tmp_path / "x.npy"], tmp_path / "out")["output"]
    with torch.no_grad():
        assert_close(ours, module(x).numpy(), "fp32", act)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
def test_data_dependent_while_loop_runs_as_often_as_the_data_says(tmp_path, fmt):
    module = DoubleUntilLarge()
    archive = save(module, tmp_path / "while.pt")
    model = tmp_path / f"while{fmt}"
    check_success(convert(archive, model, inputs=["2x3"], precision="fp32"))
    summary = check_success(run_cli("inspect", archive, "--input", "2x3")).stdout
    assert "1 loop" in summary, summary
    for start, iterations in ((3.0, 1), (0.3, 4), (5.0, 0)):
        x = torch.full((2, 3), start)
        np.save(tmp_path / "x.npy", x.numpy())
        ours = run_model(model, [tmp_path / "x.npy"], tmp_path / f"out{start}")["output"]
        reference = module(x).numpy()
        assert_close(ours, reference, "fp32", f"start {start}")
        assert np.allclose(reference, start * 2 ** iterations)


def test_unsupported_op_names_op_and_python_line(tmp_path):
    archive = save(Unsupported(), tmp_path / "unsupported.pt")
    output = tmp_path / "out.mlpackage"
    line = error_line(convert(archive, output, inputs=["2x3"]))
    # Every unsupported op at once, each with its schema and the Python file:line (.debug_pkl).
    assert line.startswith("error: 2 unsupported ops: "), line
    assert "op aten::histc at " in line and "op aten::linalg_svdvals at " in line, line
    assert "schema aten::histc(Tensor self, int bins=100" in line, line
    assert line.count("e2e/test_static_and_dynamic.py:") == 2, line  # the Python source
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [archive]


class TwoLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 8)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


@pytest.mark.parametrize("precision", ["fp32", "fp16"])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
def test_linear_layers_match_torch(tmp_path, fmt, precision):
    torch.manual_seed(1)
    module = TwoLinear()
    archive = save(module, tmp_path / "linear.pt")
    model = tmp_path / f"linear{fmt}"
    check_success(convert(archive, model, inputs=["4x16"], precision=precision))
    x = torch.randn(4, 16)
    np.save(tmp_path / "x.npy", x.numpy())
    ours = run_model(model, [tmp_path / "x.npy"], tmp_path / "out")["output"]
    with torch.no_grad():
        assert_close(ours, module(x).numpy(), precision)


def test_wrong_input_rank_is_reported_at_the_op(tmp_path):
    torch.manual_seed(0)
    archive = save(ActivationSelect("relu"), tmp_path / "act.pt")
    output = tmp_path / "out.mlpackage"
    line = error_line(convert(archive, output, inputs=["1x3x8"]))
    assert "aten::conv2d" in line and "4-D input" in line and "1x3x8" in line, line
    assert not output.exists()
