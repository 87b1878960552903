"""Model interfaces through the Python API: dict outputs named by key, forward() parameters fixed
with constants=, a method picked with method=, a submodule passed on its own; all compared with
torch in both formats. Bad constants/method arguments raise ValueError."""
from typing import Dict

import numpy as np
import pytest
import torch
import torch.nn as nn

import ts2coreml as ct

FP32 = dict(rtol=1e-3, atol=1e-4)
FORMATS = ["mlprogram", "neuralnetwork"]


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 3)

    def forward(self, x, sr: int, mode: str = "relu") -> Dict[str, torch.Tensor]:
        y = self.proj(x)
        if mode == "relu":
            y = y.relu()
        if sr == 16000:
            y = y * 2.0
        return {"scores": y, "energy": (x * x).sum(1)}

    @torch.jit.export
    def embed(self, x):
        return self.proj(x).tanh()


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self._model = Gate()
        self.register_buffer("calls", torch.zeros(1))

    def forward(self, x, sr: int):
        self.calls += 1  # state: the whole module cannot convert, its inner network can
        return self._model(x, sr)


@pytest.fixture(scope="module")
def gate():
    torch.manual_seed(0)
    return torch.jit.script(Gate().eval())


def sample():
    return np.random.default_rng(4).standard_normal((2, 4)).astype(np.float32)


@pytest.mark.parametrize("convert_to", FORMATS)
@pytest.mark.parametrize("sr,mode", [(16000, "relu"), (8000, "none")])
def test_dict_outputs_and_constants(gate, convert_to, sr, mode):
    mlmodel = ct.convert(gate, inputs=[ct.TensorType(shape=(2, 4))], convert_to=convert_to,
                         compute_precision=ct.precision.FLOAT32,
                         constants={"sr": sr, "mode": mode})
    assert sorted(mlmodel.output_description) == ["energy", "scores"]
    assert list(mlmodel.input_description) == ["x"]
    x = sample()
    ours = mlmodel.predict({"x": x})
    with torch.no_grad():
        reference = gate(torch.from_numpy(x), sr, mode)
    for name in ("scores", "energy"):
        np.testing.assert_allclose(ours[name], reference[name].numpy(), **FP32)


@pytest.mark.parametrize("convert_to", FORMATS)
def test_method(gate, convert_to):
    mlmodel = ct.convert(gate, inputs=[ct.TensorType(shape=(2, 4))], convert_to=convert_to,
                         compute_precision=ct.precision.FLOAT32, method="embed")
    x = sample()
    with torch.no_grad():
        reference = gate.embed(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(mlmodel.predict({"x": x})["output"], reference, **FP32)


@pytest.mark.parametrize("convert_to", FORMATS)
def test_submodule_of_a_stateful_wrapper(convert_to):
    torch.manual_seed(0)
    outer = torch.jit.script(Outer().eval())
    with pytest.raises(RuntimeError, match=r"test_interfaces\.py:\d+.*'calls'"):
        ct.convert(outer, inputs=[ct.TensorType(shape=(2, 4))], convert_to=convert_to,
                   constants={"sr": 16000})
    mlmodel = ct.convert(outer._model, inputs=[ct.TensorType(shape=(2, 4))],
                         convert_to=convert_to, compute_precision=ct.precision.FLOAT32,
                         constants={"sr": 16000})
    x = sample()
    with torch.no_grad():
        reference = outer._model(torch.from_numpy(x), 16000)
    np.testing.assert_allclose(mlmodel.predict({"x": x})["scores"], reference["scores"].numpy(),
                               **FP32)


@pytest.mark.parametrize("kwargs,match", [
    ({"constants": [("sr", 1)]}, "expected a dict"),
    ({"constants": {"sr": [1, 2]}}, "expected None, a bool, int, float or str"),
    ({"constants": {"not a name": 1}}, "is not a parameter name"),
    ({"constants": {"sr": 2**70}}, "does not fit in 64 bits"),
    ({"method": "no-such"}, "expected a method name"),
])
def test_bad_interface_arguments(gate, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ct.convert(gate, inputs=[ct.TensorType(shape=(2, 4))], **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    ({"constants": {"sr": "fast"}}, r"parameter 'sr' is int"),
    ({"constants": {"sr": 1, "rate": 2}}, r"has no parameter of that name"),
    ({}, r"missing --input for forward\(\) parameter 'sr'"),
    ({"constants": {"sr": 1}, "method": "decode"}, r"has no decode\(\) method \(methods: .*embed"),
])
def test_conversion_errors_name_the_parameter(gate, kwargs, match):
    with pytest.raises(RuntimeError, match=match):
        ct.convert(gate, inputs=[ct.TensorType(shape=(2, 4))], **kwargs)
