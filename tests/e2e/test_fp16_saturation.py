"""fp16 ML Programs keep each constant's kind. "Very negative" ones stay finite:
torch.finfo(float32).min, as attention masks are written (transformers), saturates to fp16's
-65504 instead of becoming -inf, which would turn `0 * min` into NaN where torch gives 0. Tiny
non-zero ones stay non-zero: a layer norm's epsilon of 1e-12 becomes fp16's smallest subnormal,
not 0."""
import torch
import torch.nn as nn

from e2e_helpers import check_module_against_torch


class MaskedSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.very_negative = torch.finfo(torch.float32).min

    def forward(self, x):
        keep = (x > 0).float()
        scores = x + (1.0 - keep) * self.very_negative
        return torch.softmax(scores, dim=-1)


def check_scripted_and_traced(module, x, tmp_path, what):
    for how in ("script", "trace"):
        work = tmp_path / how
        work.mkdir()
        check_module_against_torch(module.eval(), x, work, ".mlpackage", how,
                                   precisions=("fp32", "fp16"), what=what)


def test_finfo_min_mask_in_fp16(tmp_path):
    x = torch.randn(4, 8, generator=torch.Generator().manual_seed(0))
    check_scripted_and_traced(MaskedSoftmax(), x, tmp_path, "masked softmax")


class TinyEpsilonNorm(nn.Module):
    """transformers' default layer_norm_eps is 1e-12, below fp16's smallest subnormal: as 0 it
    makes a constant row 0 / sqrt(0) = NaN, where torch gives the bias."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(8, eps=1e-12)
        with torch.no_grad():
            self.norm.bias.uniform_(-1.0, 1.0)

    def forward(self, x):
        constant_row = torch.zeros_like(x[:1]) + 2.0
        return self.norm(torch.cat([x, constant_row], 0))


def test_epsilon_below_fp16_range_stays_non_zero(tmp_path):
    x = torch.randn(3, 8, generator=torch.Generator().manual_seed(1))
    check_scripted_and_traced(TinyEpsilonNorm(), x, tmp_path, "layer norm, eps 1e-12")
