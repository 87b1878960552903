"""Symbolic links inside an .mlpackage given to `run` or `inspect` (issue 13): a Manifest.json,
model.mlmodel, weight file or folder of the package that links outside it is refused, naming the
link, exit code 1, one `error:` line, no output. The linked-to files are the package's own, moved
out, so without the check the run would succeed on content the package does not hold. Links
that stay inside the package, and a package reached through a link, still work."""
import json
import os
import shutil

import numpy as np
import pytest
import torch

from e2e_helpers import cli_path
from test_hostile_inputs import TinyConv, refused, run_limited

# What is made a link, by its path inside the package.
LINKED = {
    "manifest": "Manifest.json",
    "model": "Data/com.apple.CoreML/model.mlmodel",
    "weight_file": "Data/com.apple.CoreML/weights/weight.bin",
    "weights_folder": "Data/com.apple.CoreML/weights",
    "data_folder": "Data",
}


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("symlink_base")
    archive = folder / "conv.pt"
    torch.manual_seed(0)
    torch.jit.save(torch.jit.script(TinyConv().eval()), str(archive))
    package = folder / "conv.mlpackage"
    done = run_limited("convert", archive, "-o", package, "--input", "1x3x8x8")
    assert done.returncode == 0, done.stderr
    x = folder / "x.npy"
    np.save(x, np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32))
    out = folder / "reference"
    done = run_limited("run", package, "--input", x, "--output-dir", out)
    assert done.returncode == 0, done.stderr
    return {"package": package, "x": x, "reference": np.load(out / "output.npy")}


def link(at, target, how):
    """Makes `at` a symbolic link to `target`, absolute or relative to the link's folder."""
    text = str(target) if how == "absolute" else os.path.relpath(target, at.parent)
    at.symlink_to(text, target_is_directory=target.is_dir())


def command_args(command, package, base, out):
    if command == "run":
        return ["run", package, "--input", base["x"], "--output-dir", out]
    return ["inspect", package]


def runs_like_the_original(package, base, out):
    done = run_limited("run", package, "--input", base["x"], "--output-dir", out)
    assert done.returncode == 0, done.stderr
    np.testing.assert_array_equal(np.load(out / "output.npy"), base["reference"])


@pytest.mark.parametrize("how", ["absolute", "relative"])
@pytest.mark.parametrize("what", sorted(LINKED))
@pytest.mark.parametrize("command", ["run", "inspect"])
def test_link_out_of_the_package_is_refused(package, tmp_path, command, what, how):
    copy = tmp_path / "linked.mlpackage"
    shutil.copytree(package["package"], copy)
    inside = copy / LINKED[what]
    outside = tmp_path / "elsewhere" / inside.name
    outside.parent.mkdir()
    shutil.move(str(inside), str(outside))  # the package's own content, now outside it
    link(inside, outside, how)
    out = tmp_path / "out"
    line = refused(run_limited(*command_args(command, copy, package, out)),
                   f"'{LINKED[what]}' is a symbolic link that points outside the package")
    assert str(outside.resolve()) in line, line
    assert not out.exists() or not any(out.iterdir())


def test_link_inside_the_package_and_a_linked_package_work(package, tmp_path):
    copy = tmp_path / "real.mlpackage"
    shutil.copytree(package["package"], copy)
    # weight.bin moved to another folder of the package, linked from where the model expects it.
    weights = copy / LINKED["weight_file"]
    kept = copy / "Data" / "kept" / "weight.bin"
    kept.parent.mkdir()
    shutil.move(str(weights), str(kept))
    link(weights, kept, "relative")
    runs_like_the_original(copy, package, tmp_path / "out_inside")
    # The package itself given through a link: the user chose it, its inside is checked.
    alias = tmp_path / "alias.mlpackage"
    link(alias, copy, "absolute")
    runs_like_the_original(alias, package, tmp_path / "out_alias")
    assert run_limited("inspect", alias).returncode == 0


@pytest.mark.parametrize("command", ["run", "inspect"])
def test_manifest_path_that_climbs_out_after_an_inner_link_is_refused(package, tmp_path,
                                                                      command):
    """Data/root links to the package (inside), and the item path root/Data/../../model.mlmodel
    stays inside Data when read as text, but from where the link leads it climbs out."""
    copy = tmp_path / "climb.mlpackage"
    shutil.copytree(package["package"], copy)
    shutil.copy(copy / LINKED["model"], tmp_path / "model.mlmodel")  # beside the package
    link(copy / "Data" / "root", copy, "relative")
    manifest = json.loads((copy / "Manifest.json").read_text())
    for item in manifest["itemInfoEntries"].values():
        if item["path"].endswith("model.mlmodel"):
            item["path"] = "root/Data/../../model.mlmodel"
    (copy / "Manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "out"
    refused(run_limited(*command_args(command, copy, package, out)),
            "'Data/root/Data/../../model.mlmodel' leads outside the package through the "
            "symbolic link 'Data/root'")
    assert not out.exists() or not any(out.iterdir())


def test_weight_file_named_by_the_model_that_links_out_is_refused(package, tmp_path):
    """The model's consts name their weight file (@model_path/weights/<name>); one other than
    weight.bin that links out of the package is refused when the model opens it."""
    copy = tmp_path / "renamed.mlpackage"
    shutil.copytree(package["package"], copy)
    model = copy / LINKED["model"]
    data = model.read_bytes()
    assert b"weights/weight.bin" in data
    model.write_bytes(data.replace(b"weights/weight.bin", b"weights/wexght.bin"))  # same length
    outside = tmp_path / "elsewhere.bin"
    shutil.copy(copy / LINKED["weight_file"], outside)
    link(copy / "Data/com.apple.CoreML/weights/wexght.bin", outside, "absolute")
    out = tmp_path / "out"
    refused(run_limited("run", copy, "--input", package["x"], "--output-dir", out),
            "'Data/com.apple.CoreML/weights/wexght.bin' is a symbolic link that points outside "
            "the package")
    assert not out.exists() or not any(out.iterdir())
