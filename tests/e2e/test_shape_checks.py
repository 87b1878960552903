"""Input shapes that cannot work are refused at conversion with a located one-line error, not
written into a model that fails when it runs: a convolution's channel count against its weight
(plain and grouped); linear / matmul / addmm inner dimensions; batch_norm, instance_norm and
group_norm channels against their weights; layer_norm's normalized shape; embedding indices
that are not integers. The same models with shapes that fit convert and match torch. The transposed convolution's output shape (traced ConvTranspose is
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


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x) * 2.0  # marker: linear


class MatMul(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 3))

    def forward(self, x):
        return torch.matmul(x, self.w)  # marker: matmul


class AddMM(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 3))
        self.b = nn.Parameter(torch.randn(3))

    def forward(self, x):
        return torch.addmm(self.b, x, self.w)  # marker: addmm


class BatchNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        return self.bn(x) + 1.0  # marker: batch_norm


class InstanceNorm(nn.Module):
    # The functional form: nn.InstanceNorm2d checks the channels itself in Python (a raise the
    # converter already reports), F.instance_norm goes straight to aten::instance_norm.
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(4) + 0.5)
        self.bias = nn.Parameter(torch.randn(4))

    def forward(self, x):
        y = nn.functional.instance_norm(x, weight=self.weight, bias=self.bias)
        return y + 1.0


class GroupNorm(nn.Module):
    def __init__(self, affine=True):
        super().__init__()
        self.norm = nn.GroupNorm(2, 4, affine=affine)

    def forward(self, x):
        return self.norm(x) + 1.0  # marker: group_norm


class LayerNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm([6])

    def forward(self, x):
        return self.norm(x) + 1.0  # marker: layer_norm


class Embedding(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Embedding(10, 3)

    def forward(self, x):
        return self.table(x) * 2.0  # marker: embedding


# (module, an --input spec that cannot work, what the error line says, the model's marker line
# when the failing op is written there, a spec that fits).
REFUSED = {
    "linear": (Linear, "1x5", "the input has 5 features (its last dimension) but the linear "
               "layer's weight expects 4", None, "2x4"),
    "matmul": (MatMul, "2x5", "matmul of shapes [2, 5] and [4, 3]: the inner dimensions 5 and 4 "
               "differ", "matmul", "2x4"),
    "matmul_batched": (MatMul, "3x2x5", "matmul of shapes [3, 2, 5] and [4, 3]: the inner "
                       "dimensions 5 and 4 differ", "matmul", "3x2x4"),
    "addmm": (AddMM, "2x5", "addmm of shapes [2, 5] and [4, 3]: the inner dimensions 5 and 4 "
              "differ", "addmm", "2x4"),
    "batch_norm": (BatchNorm, "1x5x8x8", "the input has 5 channels but the batch_norm's weight "
                   "expects 4", None, "1x4x8x8"),
    "instance_norm": (InstanceNorm, "1x3x8x8", "the input has 3 channels but the instance_norm's "
                      "weight expects 4", None, "1x4x8x8"),
    "group_norm": (GroupNorm, "1x6x8x8", "the input has 6 channels but the group_norm's weight "
                   "expects 4", None, "1x4x8x8"),
    "group_norm_groups": (lambda: GroupNorm(affine=False), "1x5x8x8", "the input has 5 channels, "
                          "which group_norm cannot divide into 2 groups", None, "1x6x8x8"),
    "layer_norm": (LayerNorm, "2x5x7", "layer_norm normalizes the trailing dimensions [6] but the "
                   "input has shape [2, 5, 7]", None, "2x5x6"),
    "embedding": (Embedding, "2x5", "embedding indices must be integers, got float32", None,
                  "2x5:int32"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
def test_operand_shapes_that_do_not_fit_are_refused(name, fmt, tmp_path):
    make, spec, message, marker, _ = REFUSED[name]
    archive = tmp_path / "model.pt"
    torch.jit.script(make().eval()).save(str(archive))
    output = tmp_path / f"model{fmt}"
    result = convert(archive, output, inputs=[f"x:{spec}"])
    line = error_line(result)
    assert result.returncode == 1, line
    assert message in line, line
    if marker:  # the op is in this file: the error names its line
        assert f"{THIS_FILE}:{line_in(__file__, f'# marker: {marker}')}" in line, line
    else:  # the op is in torch's nn code (F.linear, F.batch_norm, ...), called from forward
        assert "functional.py" in line or "modules/" in line or THIS_FILE in line, line
    assert not output.exists()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_operand_shapes_that_fit_convert_and_match_torch(name, tmp_path):
    make, _, _, _, spec = REFUSED[name]
    torch.manual_seed(0)
    module = make().eval()
    dims, _, dtype = spec.partition(":")
    shape = tuple(int(d) for d in dims.split("x"))
    if dtype:
        x = np.random.default_rng(3).integers(0, 10, shape).astype(np.int32)
    else:
        x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    archive = tmp_path / "model.pt"
    scripted = torch.jit.script(module)
    scripted.save(str(archive))
    np.save(tmp_path / "x.npy", x)
    model = tmp_path / "model.mlpackage"
    check_success(convert(archive, model, inputs=[f"x:{spec}"], precision="fp32"))
    outputs = run_model(model, [f"x={tmp_path / 'x.npy'}"], tmp_path / "out")
    with torch.no_grad():
        reference = scripted(torch.from_numpy(x).long() if dtype else torch.from_numpy(x)).numpy()
    assert_close(outputs["output"], reference, "fp32", name)


class ScatterIntoCorner(nn.Module):
    def forward(self, x, index, src):
        return torch.scatter(x, 1, index, src) + 1.0  # marker: scatter


@pytest.mark.parametrize("fmt", [".mlpackage", ".mlmodel"])
def test_scatter_index_smaller_than_self_outside_dim_is_refused(fmt, tmp_path):
    # torch writes only the index's corner; Core ML's scatter_along_axis needs self's sizes
    # outside dim, so the converter refuses rather than writing a model Core ML rejects.
    archive = tmp_path / "scatter.pt"
    torch.jit.script(ScatterIntoCorner()).save(str(archive))
    output = tmp_path / f"model{fmt}"
    line = error_line(convert(archive, output, inputs=["x:4x5", "index:2x3:int64", "src:2x3"]))
    assert "op aten::scatter" in line and "must have self's sizes 4x5 outside dim 1" in line, line
    assert f"{THIS_FILE}:{line_in(__file__, 'marker: scatter')}" in line, line
    assert not output.exists()
