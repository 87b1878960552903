"""The seed models of the end-to-end slice, exactly as given in the issue.

Imported by the pytest suite and by tools/fixtures/make_model_fixtures.py (which runs under both
torch 2.13 and Debian's torch 1.13), so this file uses nothing newer than torch 1.13 offers.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class _LoopBody(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        return F.relu(self.conv(x))


class ControlFlowNet(nn.Module):
    def __init__(self, num_channels):
        super().__init__()
        self.loop_body = _LoopBody(num_channels)

    def forward(self, x):
        avg = torch.mean(x)
        if avg.item() < 0:
            loop_count = 2
        else:
            loop_count = 1
        for _ in range(loop_count):
            x = self.loop_body(x)
        return x


class ControlFlowNet2(nn.Module):
    def __init__(self, num_channels):
        super().__init__()
        self.loop_body = torch.jit.trace(_LoopBody(num_channels), torch.randn(1, 3, 64, 64))

    def forward(self, x):
        avg = torch.mean(x)
        if avg.item() < 0:
            loop_count = 2
        else:
            loop_count = 1
        for _ in range(loop_count):
            x = self.loop_body(x)
        return x


SEED_MODELS = {"controlflow": ControlFlowNet, "controlflow2": ControlFlowNet2}
NUM_CHANNELS = 3
INPUT_SHAPE = (1, 3, 64, 64)
INPUT_SPEC = "x".join(str(d) for d in INPUT_SHAPE)


def make_scripted(name, seed=0):
    """torch.jit.script of a seed model with weights from `seed` (eval mode)."""
    torch.manual_seed(seed)
    return torch.jit.script(SEED_MODELS[name](NUM_CHANNELS)).eval()


def make_inputs(seed=0):
    """float32 inputs of INPUT_SHAPE with a clearly negative and a clearly positive mean.

    numpy's legacy RandomState is used so torch 1.13 and 2.13 produce the same arrays.
    """
    import numpy as np

    rng = np.random.RandomState(seed)
    negative = (rng.standard_normal(INPUT_SHAPE) - 1.0).astype(np.float32)
    positive = (rng.standard_normal(INPUT_SHAPE) + 1.0).astype(np.float32)
    assert negative.mean() < -0.5 and positive.mean() > 0.5
    return {"neg": negative, "pos": positive}


def run_loop_body(scripted, x, iterations):
    """What the model computes when its loop runs `iterations` times, without the branch."""
    with torch.no_grad():
        for _ in range(iterations):
            x = scripted.loop_body(x)
    return x


def expected_loop_count(x):
    """The branch the seed models take: 2 iterations when the mean is negative, else 1."""
    return 2 if float(x.mean()) < 0 else 1
