"""Inputs the fuzzers (fuzz/*_fuzzer.cc, docs/fuzzing.md) found crashing, hanging or leaking,
kept under tests/fixtures/fuzz_regressions/<target>/. Each one goes through the CLI command that
reads the same bytes the way its fuzz target does (an archive, an archive with the bytes as its
data.pkl or code, a .npy input, a .mlmodel file, an .mlpackage folder) and must end as the CLI
contract says: exit code 0, or 1 with one `error:` line; never a signal, never a hang."""
import json
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from e2e_helpers import REPO, cli_path

REGRESSIONS = REPO / "tests" / "fixtures" / "fuzz_regressions"
CORPUS = REPO / "tests" / "fixtures" / "corpus_t1.13"
HANG_GUARD = 120  # seconds (the sanitized build is several times slower)
# The template of the unpickler and parser inputs (any small corpus model does).
TEMPLATE = CORPUS / "activation_select"


def regression_inputs():
    if not REGRESSIONS.is_dir():
        return []
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}")
            for path in sorted(REGRESSIONS.glob("*/*")) if path.is_file()]


def run(*args):
    return subprocess.run([str(cli_path()), *map(str, args)], capture_output=True, text=True,
                          errors="replace", timeout=HANG_GUARD)


def assert_contract(result):
    assert result.returncode in (0, 1), (result.returncode, result.stderr[-3000:])
    if result.returncode == 1:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-3000:]
        # A C++ library exception's text ("vector::_M_range_check: __n ...") names neither the
        # problem nor the place: it means a check is missing.
        assert not any(word in lines[0] for word in ("_M_", "std::", "basic_string")), lines[0]
        # Nor does a bare library word ("error: stoul", std::invalid_argument's text).
        assert not re.fullmatch(r"error: [\w:]+", lines[0]), lines[0]


def first_code_entry(names):
    """The entry compiler_fuzzer.cc replaces: the first code/*.py in zip order."""
    return next(name for name in names if "/code/" in name and name.endswith(".py"))


def archive_with(template_dir, target, replace_name, data):
    with zipfile.ZipFile(template_dir / "model.pt") as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as made:
        names = source.namelist()
        chosen = replace_name(names)
        for name in names:
            made.writestr(name, data if name == chosen else source.read(name))


def input_args(template_dir):
    spec = json.loads((template_dir / "spec.json").read_text())
    return [arg for text in spec["inputs"] for arg in ("--input", text)]


def convert_archive(archive, template_dir, out, suffix=".mlpackage"):
    return run("convert", archive, "-o", out / f"model{suffix}", *input_args(template_dir))


def run_model(model, tmp_path):
    """inspect, then run on zeros when inspect names the inputs and their shapes."""
    inspected = run("inspect", model)
    assert_contract(inspected)
    if inspected.returncode != 0:
        return
    args = []
    for name, shape in input_shapes(inspected.stdout):
        if any(d < 0 for d in shape) or int(np.prod(shape)) > 1 << 16:
            return
        path = tmp_path / f"{name}.npy"
        np.save(path, np.zeros(shape, np.float32))
        args += ["--input", f"{name}={path}"]
    assert_contract(run("run", model, *args, "--output-dir", tmp_path / "outputs"))


def input_shapes(inspect_text):
    """(name, shape) of each input in `ts2coreml inspect` output: the `  NAME: DTYPE AxB` lines
    under `inputs:`."""
    shapes, section = [], None
    for line in inspect_text.splitlines():
        if not line.startswith(" "):
            section = line.rstrip(":")
            continue
        words = line.split()
        if section == "inputs" and len(words) == 3 and words[0].endswith(":"):
            dims = words[2].split("x")
            if all(d.lstrip("-").isdigit() for d in dims):
                shapes.append((words[0][:-1], [int(d) for d in dims]))
    return shapes


def package_with(model_bytes, weight_bytes, folder):
    """A package with a valid Manifest.json around the given model and weight blob."""
    folder.mkdir()
    done = convert_archive(TEMPLATE / "model.pt", TEMPLATE, folder)
    assert done.returncode == 0, done.stderr
    package = folder / "model.mlpackage"
    data = package / "Data" / "com.apple.CoreML"
    (data / "model.mlmodel").write_bytes(model_bytes)
    (data / "weights").mkdir(exist_ok=True)
    (data / "weights" / "weight.bin").write_bytes(weight_bytes)
    return package


@pytest.mark.parametrize("path", regression_inputs())
def test_fuzz_regression(path, tmp_path):
    target, data = path.parent.name, path.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    if target == "zip_reader":
        archive = tmp_path / "input.pt"
        archive.write_bytes(data)
        assert_contract(convert_archive(archive, TEMPLATE, out))
    elif target in ("unpickler", "torchscript_parser"):
        archive = tmp_path / "input.pt"
        if target == "unpickler":
            archive_with(TEMPLATE, archive, lambda names: next(n for n in names
                                                               if n.endswith("/data.pkl")), data)
        else:
            archive_with(TEMPLATE, archive, first_code_entry, data)
        assert_contract(convert_archive(archive, TEMPLATE, out))
    elif target == "compiler":
        # As compiler_fuzzer.cc: byte 0 picks the format (high bit) and the template (low 7
        # bits, an index into the sorted corpus). The index changes when the corpus does, so the
        # kept inputs are named <template>.<what>, and that name picks the template.
        chosen = CORPUS / path.name.split(".")[0]
        assert (chosen / "spec.json").exists(), f"{path.name}: no corpus model {chosen.name}"
        archive = tmp_path / "input.pt"
        archive_with(chosen, archive, first_code_entry, data[1:])
        suffix = ".mlmodel" if data[0] & 0x80 else ".mlpackage"
        assert_contract(convert_archive(archive, chosen, out, suffix))
    elif target == "npy":
        model = tmp_path / "model"
        model.mkdir()
        done = convert_archive(TEMPLATE / "model.pt", TEMPLATE, model)
        assert done.returncode == 0, done.stderr
        npy = tmp_path / "input.npy"
        npy.write_bytes(data)
        assert_contract(run("run", model / "model.mlpackage", "--input", npy, "--output-dir", out))
    elif target == "mlmodel":
        model = tmp_path / "input.mlmodel"
        model.write_bytes(data)
        run_model(model, tmp_path)
    elif target == "mlpackage":
        # As mlpackage_fuzzer.cc: a 4-byte little-endian length, the model, the weight blob.
        length = struct.unpack("<I", data[:4])[0] if len(data) >= 4 else 0
        rest = data[4:]
        run_model(package_with(rest[:length], rest[length:], tmp_path / "package"), tmp_path)
    else:
        pytest.fail(f"no runner for regression target '{target}'")
