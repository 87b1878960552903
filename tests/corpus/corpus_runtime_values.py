"""Run-time values: recurrent cells (nn.LSTMCell, nn.GRUCell, nn.RNNCell with tanh and relu), one
step with given states or with `hx is None`, scripted and traced, and a data-dependent loop over
time steps calling a cell; then Python values only the data decides (Optional tensors, ints and
floats computed from tensors and carried through loops)."""
from typing import Optional

import torch
import torch.nn as nn

from corpus_entry import entry, normal, positive, negative

B, IN, H = 2, 4, 5


def _cell(kind):
    if kind == "lstm":
        return nn.LSTMCell(IN, H)
    if kind == "gru":
        return nn.GRUCell(IN, H)
    return nn.RNNCell(IN, H, nonlinearity=kind)


class CellWithState(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.cell = _cell(kind)

    def forward(self, x, h):
        return self.cell(x, h) * 1.0


class LSTMCellWithState(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(IN, H)

    def forward(self, x, h, c):
        h2, c2 = self.cell(x, (h, c))
        return h2, c2


class CellWithoutState(nn.Module):
    """hx is None: the cell starts from zeros."""

    def __init__(self, kind):
        super().__init__()
        self.cell = _cell(kind)
        self.kind = kind

    def forward(self, x):
        out = self.cell(x)
        if isinstance(out, tuple):
            return out[0] + out[1]
        return out


def _state_cases(*shapes):
    return {"any": lambda rng: [rng.standard_normal(s) for s in shapes]}


_NAMES = {"gru": "gru_cell", "tanh": "rnn_tanh_cell", "relu": "rnn_relu_cell"}
for _kind in ("gru", "tanh", "relu"):
    for _how in ("script", "trace"):
        entry(f"rtv_{_NAMES[_kind]}_{_how}", [("x", (B, IN)), ("h", (B, H))],
              _state_cases((B, IN), (B, H)), how=_how)(lambda k=_kind: CellWithState(k))
    entry(f"rtv_{_NAMES[_kind]}_no_state", [("x", (B, IN))], {"any": normal(B, IN)})(
        lambda k=_kind: CellWithoutState(k))

for _how in ("script", "trace"):
    entry(f"rtv_lstm_cell_{_how}", [("x", (B, IN)), ("h", (B, H)), ("c", (B, H))],
          _state_cases((B, IN), (B, H), (B, H)), how=_how)(LSTMCellWithState)
entry("rtv_lstm_cell_no_state", [("x", (B, IN))], {"any": normal(B, IN)})(
    lambda: CellWithoutState("lstm"))


@entry("rtv_cell_loop", [("x", (6, B, IN))],
       {"short": lambda rng: [rng.standard_normal((6, B, IN)) * 4.0],
        "long": lambda rng: [rng.standard_normal((6, B, IN)) * 0.05]})
class CellLoop(nn.Module):
    """Steps through the sequence while the state stays small: how many steps run depends on the
    data (large inputs stop early)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTMCell(IN, H)
        self.gru = nn.GRUCell(H, H)
        self.hidden = H

    def forward(self, x):
        h = torch.zeros(x.size(1), self.hidden)
        c = torch.zeros(x.size(1), self.hidden)
        g = torch.zeros(x.size(1), self.hidden)
        t = 0
        while t < x.size(0) and bool(h.abs().sum() < 2.0):
            h, c = self.lstm(x[t], (h, c))
            g = self.gru(h, g)
            t += 1
        return g + c


@entry("rtv_tuple_state_loop", [("x", (6, B, IN))],
       {"short": lambda rng: [rng.standard_normal((6, B, IN)) * 4.0],
        "long": lambda rng: [rng.standard_normal((6, B, IN)) * 0.05]})
class TupleStateLoop(nn.Module):
    """The state is one tuple variable, as people write it: `state = cell(x[t], state)` carried
    by a data-dependent loop, nested in another tuple with a step counter (inside the loop the
    cell's `hx is None` sees a tuple, never None)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTMCell(IN, H)
        self.hidden = H

    def forward(self, x):
        zeros = torch.zeros(x.size(1), self.hidden)
        state = (zeros, zeros)
        progress = (state, 0)
        while progress[1] < x.size(0) and bool(progress[0][0].abs().sum() < 2.0):
            state = self.lstm(x[progress[1]], progress[0])
            progress = (state, progress[1] + 1)
        return progress[0][0] * progress[1] + progress[0][1]


@entry("rtv_optional_from_data", [("x", (2, 3))],
       {"pos": positive(2, 3), "neg": negative(2, 3)})
class OptionalFromData(nn.Module):
    """A value that is None on one data-dependent branch and a tensor on the other, tested later
    with `is not None` and `is None`, also inside a helper method."""

    def scale(self, v: Optional[torch.Tensor], x):
        if v is None:
            return x
        return x * v

    def forward(self, x):
        v: Optional[torch.Tensor] = None
        if bool(x.sum() > 0):
            v = x * 2.0
        out = x + 1.0
        if v is not None:
            out = out + v
        return self.scale(v, out)


@entry("rtv_tensor_of_loop_int", [("x", (2, 3))],
       {"few": positive(2, 3), "many": lambda rng: [rng.standard_normal((2, 3)) * 0.01]})
class TensorOfLoopInt(nn.Module):
    """torch.tensor(i) of an int carried by a data-dependent while loop."""

    def forward(self, x):
        i = 0
        y = x
        while bool(y.abs().sum() < 10.0) and i < 20:
            y = y * 2.0
            i += 1
        return y + torch.tensor(i) + torch.tensor(float(i) * 0.5)


@entry("rtv_values_from_tensors", [("x", (2, 3))],
       {"small": lambda rng: [rng.uniform(0.1, 0.9, (2, 3))],
        "large": lambda rng: [rng.uniform(2.0, 3.0, (2, 3))]})
class ValuesFromTensors(nn.Module):
    """int(...), .item() and float(...) of tensors used in arithmetic, and an int counter computed
    from the data driving a for loop and a while loop."""

    def forward(self, x):
        n = int(x.sum())
        top = x.max().item()
        mean = float(x.mean())
        y = x * top + mean
        for k in range(n):
            y = y + float(k) * 0.1
        count = 0
        while count < n:
            count += 2
        return y + n * 0.5 + count


@entry("rtv_optional_through_loop", [("x", (2, 3))],
       {"enters": lambda rng: [rng.uniform(0.1, 0.5, (2, 3))],
        "skips": lambda rng: [rng.uniform(3.0, 4.0, (2, 3))]})
class OptionalThroughLoop(nn.Module):
    """An Optional set inside a data-dependent while loop (which may run zero times), then tested
    with `is None` after it."""

    def forward(self, x):
        last: Optional[torch.Tensor] = None
        y = x
        while bool(y.sum() < 6.0):
            y = y * 2.0
            last = y
        if last is None:
            return x - 1.0
        return last + y
