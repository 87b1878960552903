"""Model interfaces as people write them: dict and nested outputs, forward() parameters that are
numbers or strings (fixed at conversion or given at run time), Optional tensors left out, and a
method or submodule other than the root's forward."""
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn

from corpus_entry import entry, normal


def _two_signs(shape):
    return {"pos": lambda rng: [np.abs(rng.standard_normal(shape)) + 0.5],
            "neg": lambda rng: [-np.abs(rng.standard_normal(shape)) - 0.5]}


@entry("iface_dict_output", [("x", (2, 3, 4))], _two_signs((2, 3, 4)))
class DictOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 5)

    def forward(self, x) -> Dict[str, torch.Tensor]:
        hidden = self.proj(x)
        if bool(x.sum() > 0):
            logits = hidden.relu()
        else:
            logits = hidden * 2.0
        return {"logits": logits, "last_hidden_state": hidden, "pooled-output": hidden.mean(1)}


@entry("iface_nested_output", [("x", (2, 3))], _two_signs((2, 3)))
class NestedOutput(nn.Module):
    def forward(self, x) -> Tuple[torch.Tensor, Dict[str, Tuple[torch.Tensor, torch.Tensor]],
                                  List[torch.Tensor]]:
        y = x * 2.0 if bool(x.mean() > 0) else x - 1.0
        pairs = {"past": (y + 1.0, y - 1.0), "kv": (x.exp(), x.abs())}
        return y, pairs, [x.sum(0), x.sum(1)]


class _TracedDictModel(nn.Module):
    """What transformers models return under torch.jit.trace(strict=False): a dict of tensors
    (the trace's graph builds it with prim::DictConstruct)."""

    def __init__(self):
        super().__init__()
        self.key = nn.Linear(4, 4)
        self.value = nn.Linear(4, 4)

    def forward(self, x):
        k, v = self.key(x), self.value(x)
        scores = torch.softmax(k @ v.transpose(-1, -2), dim=-1)
        return {"last_hidden_state": scores @ v, "attentions": scores, "key": k}


entry("iface_traced_dict", [("x", (1, 3, 4))], {"a": normal(1, 3, 4)}, how="trace_dict")(
    _TracedDictModel)


class _ResampleByRate(nn.Module):
    """A sample rate given next to the audio, as voice-activity models take it."""

    def forward(self, x, sr: int):
        if sr == 16000:
            return x[:, ::2] * 1.0
        if sr == 8000:
            return x + 0.0
        raise ValueError("unsupported sample rate")


entry("iface_int_constant_16k", [("x", (1, 8))], {"a": normal(1, 8)},
      constants={"sr": 16000})(_ResampleByRate)
entry("iface_int_constant_8k", [("x", (1, 8))], {"a": normal(1, 8)},
      constants={"sr": 8000})(_ResampleByRate)


class _Configured(nn.Module):
    def forward(self, x, scale: float, flip: bool, mode: str, bias: Optional[float] = None):
        y = x * scale
        if flip:
            y = y.flip([1])
        if mode == "tanh":
            y = torch.tanh(y)
        elif mode == "relu":
            y = torch.relu(y)
        if bias is not None:
            y = y + bias
        return y


entry("iface_constants_tanh", [("x", (2, 5))], {"a": normal(2, 5)},
      constants={"scale": 2.0, "flip": True, "mode": "tanh", "bias": 0.25})(_Configured)
entry("iface_constants_relu", [("x", (2, 5))], {"a": normal(2, 5)},
      constants={"scale": 0.5, "flip": False, "mode": "relu", "bias": None})(_Configured)


@entry("iface_runtime_int", [("x", (2, 3)), ("steps", "int")],
       {"zero": lambda rng: [rng.standard_normal((2, 3)), 0],
        "three": lambda rng: [rng.standard_normal((2, 3)), 3]})
class RuntimeInt(nn.Module):
    def forward(self, x, steps: int):
        for _ in range(steps):
            x = x * 0.5 + 1.0
        return x, x.sum(1) + steps


@entry("iface_runtime_float_bool", [("x", (2, 3)), ("alpha", "float"), ("negate", "bool")],
       {"on": lambda rng: [rng.standard_normal((2, 3)), 0.25, True],
        "off": lambda rng: [rng.standard_normal((2, 3)), -1.5, False]})
class RuntimeFloatBool(nn.Module):
    def forward(self, x, alpha: float, negate: bool):
        y = x * alpha
        if negate:
            y = -y
        return y


@entry("iface_optional_left_out", [("x", (2, 4))], _two_signs((2, 4)))
class OptionalLeftOut(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None,
                scale: Optional[torch.Tensor] = None):
        if mask is not None:
            x = x * mask
        if scale is None:
            return x + 1.0
        return x * scale


class _WithExportedMethod(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(4, 3)
        self.decoder = nn.Linear(3, 4)

    @torch.jit.export
    def encode(self, x):
        code = self.encoder(x)
        return torch.where(code > 0, code, code * 0.1)

    def forward(self, x):
        return self.decoder(self.encode(x))


entry("iface_method", [("x", (2, 4))], _two_signs((2, 4)), method="encode")(_WithExportedMethod)


class _Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 3, 3, padding=1)

    def forward(self, x, sr: int):
        y = self.conv(x)
        return y if sr > 8000 else y.relu()


class _Wrapper(nn.Module):
    """A wrapper keeping state between calls around a stateless inner network: the inner one is
    what converts (`--module _model`)."""

    def __init__(self):
        super().__init__()
        self._model = _Inner()
        self.register_buffer("context", torch.zeros(1, 2, 4))

    def forward(self, x, sr: int):
        joined = torch.cat([self.context, x], dim=2)
        self.context = x[:, :, -4:]
        return self._model(joined, sr)


entry("iface_submodule", [("x", (1, 2, 6))], {"a": normal(1, 2, 6)}, module="_model",
      constants={"sr": 16000})(_Wrapper)
