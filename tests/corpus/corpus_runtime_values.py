"""Run-time values: recurrent cells (nn.LSTMCell, nn.GRUCell, nn.RNNCell with tanh and relu), one
step with given states or with `hx is None`, scripted and traced, and a data-dependent loop over
time steps calling a cell; then Python values only the data decides (Optional tensors, ints and
floats computed from tensors and carried through loops)."""
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
