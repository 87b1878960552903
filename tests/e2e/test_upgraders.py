"""Operator upgraders: an archive older than an op's version bump keeps the op's old meaning.
The archives are saved by torch 2.13 and then marked as older (their version record rewritten,
and for linspace the printed call given its old `steps=None` form), as torch 1.10-era writers
produced them."""
import zipfile

import numpy as np
import pytest
import torch
import torch.nn as nn

from e2e_helpers import FORMATS, assert_close, check_success, convert, run_model


class IntegerDivision(nn.Module):
    def forward(self, a, b):
        return torch.div(a, b)


class Spaced(nn.Module):
    def forward(self, x):
        return x + torch.linspace(0.0, 1.0, 4)


def rewrite_archive(source, target, version, code_edit=None):
    """Copies a TorchScript archive with its version records set to `version`; `code_edit`
    changes the text of the code files."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("/version") or item.filename.endswith("/.data/version"):
                data = f"{version}\n".encode()
            elif code_edit and "/code/" in item.filename and item.filename.endswith(".py"):
                data = code_edit(data.decode()).encode()
            zout.writestr(item, data)
    return target


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("version", [3, 4])
def test_integer_division_truncates_before_version_4(tmp_path, fmt, version):
    saved = tmp_path / "div.pt"
    torch.jit.script(IntegerDivision()).save(str(saved))
    archive = rewrite_archive(saved, tmp_path / f"div_v{version}.pt", version)
    model = tmp_path / f"div{fmt}"
    check_success(convert(archive, model, inputs=["a:2x3:int32", "b:2x3:int32"]))
    a = torch.tensor([[7, -7, 9], [1, -5, 100]], dtype=torch.int32)
    b = torch.tensor([[2, 2, -4], [3, 3, 7]], dtype=torch.int32)
    np.save(tmp_path / "a.npy", a.numpy())
    np.save(tmp_path / "b.npy", b.numpy())
    ours = run_model(model, [f"a={tmp_path / 'a.npy'}", f"b={tmp_path / 'b.npy'}"],
                     tmp_path / "out")["output"]
    if version < 4:
        expected = torch.div(a, b, rounding_mode="trunc").numpy()
        if fmt == ".mlpackage":
            assert ours.dtype.kind == "i", ours.dtype  # neural networks compute in floats
        np.testing.assert_array_equal(ours, expected)
    else:
        expected = torch.div(a, b).numpy()
        assert_close(ours, expected, "fp16" if fmt == ".mlpackage" else "fp32", "true division")


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
def test_linspace_steps_none_means_100_before_version_8(tmp_path, fmt):
    saved = tmp_path / "spaced.pt"
    torch.jit.script(Spaced()).save(str(saved))

    def old_call(code):
        assert "torch.linspace(0., 1., 4" in code, code
        return code.replace("torch.linspace(0., 1., 4", "torch.linspace(0., 1., None")

    archive = rewrite_archive(saved, tmp_path / "spaced_v7.pt", 7, old_call)
    model = tmp_path / f"spaced{fmt}"
    check_success(convert(archive, model, inputs=["1x100"], precision="fp32"))
    x = np.random.default_rng(3).standard_normal((1, 100)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    ours = run_model(model, [tmp_path / "x.npy"], tmp_path / "out")["output"]
    assert_close(ours, x + torch.linspace(0.0, 1.0, 100).numpy(), "fp32", "linspace")
