"""fp16 ML Programs keep "very negative" constants finite: torch.finfo(float32).min, as attention
masks are written (transformers), saturates to fp16's -65504 instead of becoming -inf, which
would turn `0 * min` into NaN where torch gives 0."""
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


def test_finfo_min_mask_in_fp16(tmp_path):
    x = torch.randn(4, 8, generator=torch.Generator().manual_seed(0))
    for how in ("script", "trace"):
        work = tmp_path / how
        work.mkdir()
        check_module_against_torch(MaskedSoftmax().eval(), x, work, ".mlpackage", how,
                                   precisions=("fp32", "fp16"), what="masked softmax")
