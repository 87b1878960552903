"""Tracing, mixing and freezing: torch.jit.trace of a module (loops baked in, tensors made in
forward stored as CONSTANTS.cN), a scripted loop around a traced submodule, and
torch.jit.freeze of scripted modules with and without control flow.
"""
import torch
import torch.nn as nn

from corpus_control_flow import C, ControlFlowConv, ConvBlock
from corpus_entry import S, entry, normal, signed_cases


class TracedMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


@entry("traced_mlp", [("x", S)], {"any": normal(*S)}, how="trace")
def _():
    return TracedMLP()


class TracedUnrolledLoop(nn.Module):
    """Tracing bakes the loop in: the archive holds three copies."""

    def forward(self, x):
        for _ in range(3):
            x = torch.sigmoid(x) * 2.0
        return x


@entry("traced_unrolled_loop", [("x", S)], {"any": normal(*S)}, how="trace")
def _():
    return TracedUnrolledLoop()


class TracedTensorConstant(nn.Module):
    """Tracing stores tensors created in forward as CONSTANTS.cN."""

    def forward(self, x):
        return x * torch.tensor([1.0, -2.0, 0.5, 4.0]) + torch.tensor([0.25, 0.5, 0.75, 1.0])


@entry("traced_tensor_constants", [("x", S)], {"any": normal(*S)}, how="trace")
def _():
    return TracedTensorConstant()


class MixedTracedBody(nn.Module):
    """A scripted loop around a traced body (the documentation's ControlFlowNet2)."""

    def __init__(self):
        super().__init__()
        self.body = torch.jit.trace(ConvBlock().eval(), torch.randn(C))

    def forward(self, x):
        n = 1
        if x.mean() < 0:
            n = 2
        for _ in range(n):
            x = self.body(x)
        return x


@entry("mixed_traced_body", [("x", C)], signed_cases(*C), how="mixed")
def _():
    return MixedTracedBody()


@entry("frozen_controlflow", [("x", C)], signed_cases(*C), how="freeze")
def _():
    return ControlFlowConv()


class FrozenLinearChain(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


@entry("frozen_linear_chain", [("x", S)], {"any": normal(*S)}, how="freeze")
def _():
    return FrozenLinearChain()
