"""Constant evaluation: ops whose inputs are all known at conversion time (weights, buffers,
constants, shapes) are evaluated by the converter and become constants. Each entry computes
something from constants the way model libraries do (weight norm, weight standardization, masks
and position ids) and mixes it with the input, so the numbers show the folded values are right.
tests/e2e/test_const_eval.py checks that the folded ops are gone from the converted program.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from corpus_entry import entry, normal, signed_cases


@entry("consteval_weight_norm_script", [("x", (1, 3, 8, 8))], {"any": normal(1, 3, 8, 8)})
class WeightNormScript(nn.Module):
    """torch._weight_norm on parameters, written out as scripted code does it."""

    def __init__(self):
        super().__init__()
        self.v = nn.Parameter(torch.randn(4, 3, 3, 3))
        self.g = nn.Parameter(torch.rand(4, 1, 1, 1) + 0.5)
        self.g_all = nn.Parameter(torch.tensor(1.7))
        self.g_in = nn.Parameter(torch.rand(1, 3, 1, 1) + 0.5)

    def forward(self, x):
        weight = torch._weight_norm(self.v, self.g, 0)
        # dim=-1 is one norm over the whole tensor (weight_norm(dim=None)); dim=1 one norm per
        # input channel.
        whole = torch._weight_norm(self.v, self.g_all, -1)
        per_input = torch._weight_norm(self.v, self.g_in, 1)
        return F.conv2d(x, weight, padding=1) + F.conv2d(x, whole + per_input, padding=1)


@entry("consteval_weight_norm_trace", [("x", (1, 3, 8, 8))], {"any": normal(1, 3, 8, 8)},
       how="trace")
class WeightNormTrace(nn.Module):
    """nn.utils.weight_norm's pre-forward hook recomputes the weight from weight_g and weight_v;
    tracing records it as aten::_weight_norm."""

    def __init__(self):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.Conv2d(3, 4, 3, padding=1))

    def forward(self, x):
        return torch.relu(self.conv(x))


@entry("consteval_std_conv", [("x", (1, 3, 8, 8))], {"any": normal(1, 3, 8, 8)})
class StdConv(nn.Module):
    """Weight standardization as timm's StdConv2d writes it: a training-mode batch_norm of the
    weight with no running statistics."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(4, 3, 3, 3) * 2 + 0.3)
        self.eps = 1e-6

    def forward(self, x):
        weight = F.batch_norm(self.weight.reshape(1, 4, -1), None, None, training=True,
                              momentum=0., eps=self.eps).reshape_as(self.weight)
        return F.conv2d(x, weight, padding=1)


@entry("consteval_batch_norm_training_input", [("x", (2, 3, 4))],
       {"any": normal(2, 3, 4), "shifted": normal(2, 3, 4, shift=3.0)})
class BatchNormTrainingInput(nn.Module):
    """The same training-mode batch_norm on the input: it stays in the program (statistics of the
    batch computed at run time)."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(3) + 0.5)
        self.bias = nn.Parameter(torch.randn(3))

    def forward(self, x):
        return F.batch_norm(x, None, None, self.weight, self.bias, training=True, eps=1e-5)


@entry("consteval_masks", [("x", (1, 6, 6))], signed_cases(1, 6, 6))
class Masks(nn.Module):
    """A causal mask from triu/tril of ones, masked_fill on a constant, position ids from arange and
    their differences, and torch.tensor of known values."""

    def __init__(self):
        super().__init__()
        self.register_buffer("position_ids", torch.arange(6).expand(1, -1))

    def forward(self, x):
        causal = torch.triu(torch.ones(6, 6), diagonal=1) > 0
        keep = torch.tril(torch.ones(6, 6))
        bias = torch.zeros(6, 6).masked_fill(causal, -1e4)
        steps = torch.diff(self.position_ids, dim=-1)
        scale = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.25, 3.0])
        positions = torch.arange(0, 6, dtype=torch.float32) * 0.1
        scores = (x + bias) * keep
        return scores.softmax(-1) * scale + positions + steps.sum().float()


@entry("consteval_over_limit", [("x", (1, 4))], {"any": normal(1, 4)})
class OverLimit(nn.Module):
    """A mask of 4097 x 4097 elements is above the folding limit (16 Mi elements per result): the
    ops that build it stay in the program and still compute the right numbers."""

    def forward(self, x):
        mask = torch.triu(torch.ones(4097, 4097))
        return x + (mask * x.mean()).sum() * 1e-6


@entry("consteval_weight_norm_conv1d", [("x", (1, 4, 12))], {"any": normal(1, 4, 12)},
       how="trace")
class WeightNormConv1d(nn.Module):
    """wav2vec2 / HuBERT's positional convolution: a grouped Conv1d under weight_norm(dim=2).
    The weight is computed in the program, so the 1-D convolution becomes 2-D (for the neural
    network backend) through a reshape of that value, which folds with it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.Conv1d(4, 4, 3, padding=1, groups=2), name="weight",
                                         dim=2)

    def forward(self, x):
        return F.gelu(self.conv(x))
