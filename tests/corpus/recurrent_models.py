"""Scripted library modules whose TorchScript code the compiler must read: nn.LSTM (2 layers,
batch_first), nn.GRU and nn.TransformerEncoderLayer (eval mode). Importable by torch 1.13 and
2.13; `python3 recurrent_models.py OUT` saves them as OUT/<name>.pt.

Their conversion to Core ML ops belongs to the op-coverage work; tests/e2e/test_recurrent_code.py
checks that they compile with every shape check folded.
"""
import sys
from pathlib import Path

import torch
import torch.nn as nn


class LSTMModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16, num_layers=2, batch_first=True)

    def forward(self, x):
        y, (h, c) = self.rnn(x)
        return y + h[-1].unsqueeze(1) + c[-1].unsqueeze(1)


class GRUModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16)

    def forward(self, x):
        y, h = self.rnn(x)
        return y


def make(name):
    torch.manual_seed(0)
    if name == "lstm":
        return LSTMModel().eval()
    if name == "gru":
        return GRUModel().eval()
    if name == "transformer_encoder_layer":
        return nn.TransformerEncoderLayer(16, 4, 32, batch_first=True).eval()
    raise ValueError(name)


# name -> (input spec for the CLI, the aten op the module's forward reduces to)
MODELS = {
    "lstm": ("2x5x8", "aten::lstm"),
    "gru": ("5x2x8", "aten::gru"),
    "transformer_encoder_layer": ("2x5x16", "aten::_transformer_encoder_layer_fwd"),
}


def save_all(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in MODELS:
        torch.jit.script(make(name)).save(str(out / f"{name}.pt"))


if __name__ == "__main__":
    save_all(sys.argv[1])
