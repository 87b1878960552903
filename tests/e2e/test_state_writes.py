"""No model whose forward() writes module state converts: each way of keeping state between calls
(an in-place op on a buffer, a write into a slice of it, a write through a view, `out=`, an
attribute assignment, batch norm in training mode, a list or dict attribute changed to hold an
input-dependent value) is refused with one error line that names
the attribute and the Python line. Writes the converter can express still convert and match
torch: in-place ops on a copy, a dict attribute used as a cache of constants, and a submodule that changes its argument in place (the caller
sees the change, as in torch). A base tensor read after a write through a view the converter
does not write back is refused rather than read stale."""
from typing import Dict, List

import numpy as np
import pytest
import torch
import torch.nn as nn

from e2e_helpers import assert_close, check_success, convert, error_line, run_model, line_in

THIS_FILE = __file__.rsplit("/", 1)[-1]


def line_of(marker):
    """The line of this file that holds `marker` (the offending expression)."""
    return line_in(__file__, marker)


class Accumulator(nn.Module):
    """The example of the issue: with a zero buffer, torch gives 2 * x on the first call."""

    def __init__(self):
        super().__init__()
        self.register_buffer("acc", torch.zeros(2, 3))

    def forward(self, x):
        self.acc.mul_(0.5).add_(x)  # marker: accumulate
        return self.acc * 2


class SliceWrite(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("history", torch.zeros(4, 3))

    def forward(self, x):
        self.history[0] = x[0]  # marker: slice write
        return self.history.sum(0)


class ViewWrite(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.zeros(2, 3))

    def forward(self, x):
        flat = self.count.view(-1)
        flat.add_(1.0)  # marker: view write
        return x + self.count


class OutArgument(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("last", torch.zeros(2, 3))

    def forward(self, x):
        torch.add(x, 1.0, out=self.last)  # marker: out write
        return x * 2


class AttributeAssignment(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("state", torch.zeros(2, 3))

    def forward(self, x):
        self.state = self.state + x  # marker: assignment
        return self.state


class TrainingBatchNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("running_mean", torch.zeros(3))
        self.register_buffer("running_var", torch.ones(3))

    def forward(self, x):
        return torch.batch_norm(x, None, None, self.running_mean,  # marker: batch norm
                                self.running_var, True, 0.1, 1e-5, False)


class DictCache(nn.Module):
    """A cache of something computed from the input: torch's second call returns the first
    call's value."""
    cache: Dict[str, torch.Tensor]

    def __init__(self):
        super().__init__()
        self.cache = {}

    def forward(self, x):
        if "k" not in self.cache:
            self.cache["k"] = x * 2  # marker: dict cache
        return self.cache["k"] + 1


class ListHistory(nn.Module):
    history: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.history = []

    def forward(self, x):
        self.history.append(x)  # marker: list append
        return x * len(self.history)


STATEFUL = [
    (DictCache, "dict cache", "cache", "aten::_set_item"),
    (ListHistory, "list append", "history", "aten::append"),
    (Accumulator, "accumulate", "acc", "aten::mul_"),
    (SliceWrite, "slice write", "history", "aten::copy_"),
    (ViewWrite, "view write", "count", "aten::add_"),
    (OutArgument, "out write", "last", "aten::add"),
    (AttributeAssignment, "assignment", "state", "assigns"),
    (TrainingBatchNorm, "batch norm", "running_mean", "training mode"),
]


@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
@pytest.mark.parametrize("model_class,marker,attribute,what", STATEFUL,
                         ids=[case[0].__name__ for case in STATEFUL])
def test_state_written_in_forward_is_refused(model_class, marker, attribute, what, fmt,
                                             tmp_path):
    archive = tmp_path / "model.pt"
    torch.jit.script(model_class().eval()).save(str(archive))
    output = tmp_path / f"model{fmt}"
    line = error_line(convert(archive, output, inputs=["x:2x3"]))
    assert f"{THIS_FILE}:{line_of('marker: ' + marker)}" in line, line
    assert what in line, line
    if attribute:
        assert f"'{attribute}'" in line and "module attribute" in line, line
    assert not output.exists()


def test_accumulator_would_be_wrong_without_the_refusal():
    """What the refusal prevents: torch's first call gives 2 * x, the frozen buffer gives 0."""
    x = torch.randn(2, 3)
    assert not torch.allclose(torch.jit.script(Accumulator())(x), torch.zeros(2, 3))


class CopyThenUpdate(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("base", torch.arange(6.0).reshape(2, 3))

    def forward(self, x):
        work = self.base.clone()
        work.mul_(0.5).add_(x)
        work[0] = x[1]
        return work * 2


class InPlaceHelper(nn.Module):
    def forward(self, x):
        x.mul_(2.0)
        return x + 1.0


class CallerSeesArgumentWrite(nn.Module):
    def __init__(self):
        super().__init__()
        self.helper = InPlaceHelper()

    def forward(self, x):
        y = x * 1.0
        z = self.helper(y)
        return y + z  # y was doubled by the helper, in torch as here


class ConstantCache(nn.Module):
    """levit's attention-bias cache: what it stores is computed from weights only, so every call
    gets the same value whether it comes from the cache or not."""
    cache: Dict[str, torch.Tensor]

    def __init__(self):
        super().__init__()
        self.biases = nn.Parameter(torch.randn(2, 3))
        self.register_buffer("idxs", torch.tensor([2, 0, 1]))
        self.cache = {}

    def forward(self, x):
        if "cpu" not in self.cache:
            self.cache["cpu"] = self.biases[:, self.idxs]
        return x + self.cache["cpu"]


@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
@pytest.mark.parametrize("model_class", [CopyThenUpdate, CallerSeesArgumentWrite, ConstantCache])
def test_writes_that_can_be_expressed_match_torch(model_class, fmt, tmp_path):
    module = torch.jit.script(model_class().eval())
    archive = tmp_path / "model.pt"
    module.save(str(archive))
    x = np.random.default_rng(3).standard_normal((2, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    model = tmp_path / f"model{fmt}"
    check_success(convert(archive, model, inputs=["x:2x3"], precision="fp32"))
    outputs = run_model(model, [f"x={tmp_path / 'x.npy'}"], tmp_path / "out")
    with torch.no_grad():
        reference = module(torch.from_numpy(x.copy())).numpy()
    assert_close(outputs["output"], reference, "fp32", model_class.__name__)


class StaleBase(nn.Module):
    def forward(self, x):
        y = x * 1.0
        t = y.transpose(0, 1)
        t.add_(1.0)
        return y * 3.0  # marker: stale read


def test_base_read_after_a_write_through_a_view_is_refused(tmp_path):
    archive = tmp_path / "model.pt"
    torch.jit.script(StaleBase()).save(str(archive))
    output = tmp_path / "model.mlpackage"
    line = error_line(convert(archive, output, inputs=["x:2x3"]))
    assert f"{THIS_FILE}:{line_of('marker: stale read')}" in line, line
    assert "through a view" in line, line
    assert not output.exists()
