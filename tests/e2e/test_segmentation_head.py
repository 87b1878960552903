"""A small segmentation network whose head upsamples with F.interpolate back to the input size
(bilinear and bicubic with align_corners both ways, nearest by a scale factor), scripted (the
whole functional.interpolate code is compiled) and traced, in both formats, against torch."""
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from e2e_helpers import FORMATS, assert_close, check_success, convert, run_model


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
    with torch.no_grad():
        saved = torch.jit.script(module) if how == "script" else torch.jit.trace(module, (x,))
        reference = saved(x).numpy()
    archive = tmp_path / "seg.pt"
    saved.save(str(archive))
    np.save(tmp_path / "x.npy", x.numpy())
    model = tmp_path / f"seg{fmt}"
    check_success(convert(archive, model, inputs=["1x3x20x24"], precision="fp32"))
    ours = run_model(model, [tmp_path / "x.npy"], tmp_path / "out")["output"]
    assert ours.shape == (1, 5, 20, 24)
    assert_close(ours, reference, "fp32", f"{mode} align_corners={align} {how}")
