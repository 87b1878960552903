"""Input shapes that cannot work are refused at conversion with a located one-line error, not
written into a model that fails when it runs: a convolution's channel count against its weight
(plain and grouped). The transposed convolution's output shape (traced ConvTranspose is
aten::_convolution with transposed=True) is computed as torch does, so a model using it still
matches torch."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from e2e_helpers import assert_close, check_success, convert, error_line, line_in, run_model

THIS_FILE = __file__.rsplit("/", 1)[-1]


class Conv(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, groups=groups)

    def forward(self, x):
        return self.conv(x) * 2.0  # marker: conv


@pytest.mark.parametrize("groups,spec", [(1, "1x5x16x16"), (2, "1x2x16x16")])
@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
def test_channel_count_that_does_not_fit_the_weight_is_refused(groups, spec, fmt, tmp_path):
    archive = tmp_path / "conv.pt"
    torch.jit.script(Conv(groups)).save(str(archive))
    output = tmp_path / f"model{fmt}"
    line = error_line(convert(archive, output, inputs=[f"x:{spec}"]))
    channels = spec.split("x")[1]
    assert f"the input has {channels} channels but the convolution's weight expects 4" in line
    assert "functional.py" in line or "conv.py" in line or THIS_FILE in line, line
    assert not output.exists()


class Upsample(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1, groups=1)

    def forward(self, x):
        y = self.up(x)
        return y.reshape(y.size(0), -1) * float(y.size(3))


@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
def test_traced_transposed_convolution_shape_matches_torch(fmt, tmp_path):
    torch.manual_seed(0)
    x = np.random.default_rng(2).standard_normal((1, 3, 5, 7)).astype(np.float32)
    traced = torch.jit.trace(Upsample().eval(), torch.from_numpy(x))
    archive = tmp_path / "up.pt"
    traced.save(str(archive))
    np.save(tmp_path / "x.npy", x)
    model = tmp_path / f"model{fmt}"
    check_success(convert(archive, model, inputs=["x:1x3x5x7"], precision="fp32"))
    outputs = run_model(model, [f"x={tmp_path / 'x.npy'}"], tmp_path / "out")
    with torch.no_grad():
        reference = traced(torch.from_numpy(x)).numpy()
    assert_close(outputs["output"], reference, "fp32", "traced ConvTranspose2d")
