"""A small segmentation network whose head upsamples with F.interpolate back to the input size
(bilinear and bicubic with align_corners both ways, nearest by a scale factor), scripted (the
whole functional.interpolate code is compiled) and traced, in both formats, against torch."""
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from e2e_helpers import FORMATS, check_module_against_torch


class SegmentationNet(nn.Module):
    def __init__(self, mode: str, align: bool):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU())
        self.head = nn.Conv2d(8, 5, 1)
        self.mode = mode
        self.align = align

    def forward(self, x):
        y = self.head(self.backbone(x))
        if self.mode == "nearest":
            return F.interpolate(y, scale_factor=4.0, mode="nearest")
        return F.interpolate(y, size=(x.shape[2], x.shape[3]), mode=self.mode,
                             align_corners=self.align)


VARIANTS = [("bilinear", True), ("bilinear", False), ("bicubic", True), ("bicubic", False),
            ("nearest", False)]


@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("mode,align", VARIANTS)
def test_upsampling_head_matches_torch(tmp_path, mode, align, fmt, how):
    torch.manual_seed(0)
    module = SegmentationNet(mode, align).eval()
    x = torch.from_numpy(np.random.default_rng(4).standard_normal((1, 3, 20, 24)).astype(np.float32))
    check_module_against_torch(module, x, tmp_path, fmt, how, what=f"{mode} align={align}")
