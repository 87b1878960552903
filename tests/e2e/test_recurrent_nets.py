"""nn.LSTM and nn.GRU (one and two layers, bidirectional, batch_first), scripted and traced,
converted to both formats; the output sequence and the final states match torch."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from e2e_helpers import FORMATS, check_module_against_torch


class LSTMNet(nn.Module):
    def __init__(self, **options):
        super().__init__()
        self.rnn = nn.LSTM(8, 12, **options)

    def forward(self, x):
        y, (h, c) = self.rnn(x)
        return y, h, c


class GRUNet(nn.Module):
    def __init__(self, **options):
        super().__init__()
        self.rnn = nn.GRU(8, 12, **options)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


NETS = {
    "lstm": (lambda: LSTMNet(), (6, 3, 8)),
    "lstm_2layer_bidirectional_batch_first":
        (lambda: LSTMNet(num_layers=2, bidirectional=True, batch_first=True), (3, 6, 8)),
    "gru": (lambda: GRUNet(), (6, 3, 8)),
    "gru_2layer_bidirectional": (lambda: GRUNet(num_layers=2, bidirectional=True), (6, 3, 8)),
}


@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("name", sorted(NETS))
def test_recurrent_net_matches_torch(tmp_path, name, fmt, how):
    make, shape = NETS[name]
    torch.manual_seed(0)
    module = make().eval()
    x = torch.from_numpy(np.random.default_rng(2).standard_normal(shape).astype(np.float32))
    check_module_against_torch(module, x, tmp_path, fmt, how, what=name)
