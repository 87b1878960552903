"""The command-line contract: help, version, argument errors, binding of run inputs, inspect."""
import re

import numpy as np
import pytest

from e2e_helpers import REPO, FORMATS, check_success, convert, error_line, run_cli, run_model


def project_version():
    text = (REPO / "CMakeLists.txt").read_text()
    return re.search(r"project\(ts2coreml VERSION ([0-9.]+)", text).group(1)


# Options every help text must mention (the contract in README.md).
HELP_MENTIONS = {
    (): ["convert", "run", "inspect", "--version"],
    ("convert",): ["MODEL", "-o", "--output", "--input", "--precision", "fp16", "fp32",
                   ".mlpackage", ".mlmodel", "NAME", "DIMS", "DTYPE"],
    ("run",): ["MODEL", "--input", "NAME=", ".npy", "--output-dir"],
    ("inspect",): ["MODEL", "--ir", "--input"],
}


@pytest.mark.parametrize("command", HELP_MENTIONS, ids=lambda c: " ".join(c) or "top")
def test_help(command):
    result = check_success(run_cli(*command, "--help"))
    for word in HELP_MENTIONS[command]:
        assert word in result.stdout, f"'{word}' missing from help of {command}"
    assert result.stderr == ""


def test_version():
    result = check_success(run_cli("--version"))
    assert result.stdout.strip() == f"ts2coreml {project_version()}"


@pytest.mark.parametrize("args,words", [
    ((), ["subcommand"]),
    (("frobnicate",), ["frobnicate"]),
    (("convert",), ["MODEL"]),
    (("--bogus",), ["--bogus"]),
], ids=["no-command", "unknown-command", "convert-no-model", "unknown-option"])
def test_usage_errors_are_one_line_with_help_hint(args, words):
    line = error_line(run_cli(*args))
    for word in words:
        assert word in line
    assert "--help" in line


# (spec, words the one-line error must contain)
BAD_SPECS = [
    ("1x3xAx64", ["'1x3xAx64'", "'A' is not a dimension"]),
    ("1x3x64x64:float8", ["float8", "float32"]),
    ("1x3xx64", ["empty dimension"]),
    ("1x0x64", ["0"]),
    ("x:1x3:float32:extra", ["too many"]),
    ("bad-name:1x3", ["'bad-name'", "name"]),
    (":1x3", ["name"]),
    ("x:", ["dimensions"]),
    ("99999999999999999999999x3", ["too large"]),
]


def test_unknown_subcommand_option(seed_models):
    line = error_line(run_cli("inspect", seed_models.archive("controlflow"), "--bogus"))
    assert "--bogus" in line and "ts2coreml inspect --help" in line


@pytest.mark.parametrize("spec,words", BAD_SPECS, ids=[s for s, _ in BAD_SPECS])
def test_bad_input_specs(seed_models, tmp_path, spec, words):
    output = tmp_path / "m.mlpackage"
    line = error_line(convert(seed_models.archive("controlflow"), output, inputs=[spec]))
    assert line.startswith(f"error: --input '{spec}'")
    for word in words:
        assert word in line
    assert not output.exists()


def test_bad_precision_and_extension(seed_models, tmp_path):
    archive = seed_models.archive("controlflow")
    line = error_line(convert(archive, tmp_path / "m.mlpackage", precision="fp8"))
    assert "--precision" in line and "fp8" in line
    line = error_line(convert(archive, tmp_path / "m.onnx"))
    assert "m.onnx" in line and ".mlpackage" in line and ".mlmodel" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt,kind,precision", [(".mlpackage", "ML Program", "fp16"),
                                                (".mlmodel", "neural network", "fp32")])
def test_convert_reports_default_precision(seed_models, tmp_path, fmt, kind, precision):
    output = tmp_path / f"m{fmt}"
    result = check_success(convert(seed_models.archive("controlflow"), output))
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(rf"wrote {re.escape(str(output))} \({kind}, {precision}, spec \d+\)",
                        lines[0]), lines[0]
    assert output.exists()


def test_named_input_spec_binds_by_name(seed_models, tmp_path):
    check_success(convert(seed_models.archive("controlflow"), tmp_path / "m.mlmodel",
                          inputs=["x:1x3x64x64:float32"]))


def test_run_binds_by_name_casts_dtype_and_creates_dir(seed_models, tmp_path):
    model = seed_models.converted("controlflow", ".mlmodel", "fp32")
    reference = seed_models.run("controlflow", ".mlmodel", "fp32", "neg")
    as_float64 = tmp_path / "x64.npy"
    np.save(as_float64, seed_models.inputs["neg"].astype(np.float64))
    out_dir = tmp_path / "nested" / "dir"
    outputs = run_model(model, [f"x={as_float64}"], out_dir)
    assert out_dir.is_dir() and list(outputs) == ["output"]
    # The float64 input is cast to the model's float32: the same result as the float32 input.
    np.testing.assert_allclose(outputs["output"], reference, rtol=0, atol=1e-6)


def test_run_input_errors(seed_models, tmp_path):
    model = seed_models.converted("controlflow", ".mlmodel", "fp32")
    good = seed_models.input_paths["neg"]
    line = error_line(run_cli("run", model, "--input", f"y={good}", "--output-dir", tmp_path))
    assert "'y'" in line and "x" in line
    line = error_line(run_cli("run", model, "--output-dir", tmp_path))
    assert "--input" in line and "'x'" in line
    line = error_line(run_cli("run", model, "--input", good, "--input", good,
                              "--output-dir", tmp_path))
    assert "more input files" in line
    not_npy = tmp_path / "notes.npy"
    not_npy.write_text("hello")
    line = error_line(run_cli("run", model, "--input", not_npy, "--output-dir", tmp_path))
    assert "notes.npy" in line and ".npy" in line
    error_line(run_cli("run", model, "--output-dir", tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_inspect_archive_shows_inputs_and_control_flow(seed_models):
    result = check_success(run_cli("inspect", seed_models.archive("controlflow")))
    assert re.search(r"\bx\b", result.stdout), result.stdout
    assert "prim::If" in result.stdout and "prim::Loop" in result.stdout, result.stdout


def test_inspect_archive_ir(seed_models):
    result = check_success(run_cli("inspect", seed_models.archive("controlflow"), "--ir",
                                   "--input", "1x3x64x64"))
    assert "aten::conv2d" in result.stdout and "prim::Loop" in result.stdout, result.stdout


@pytest.mark.parametrize("fmt,ops", [(".mlpackage", ["cond", "while_loop"]),
                                     (".mlmodel", ["branch", "loop"])])
def test_inspect_coreml_model_shows_control_flow(seed_models, fmt, ops):
    model = seed_models.converted("controlflow", fmt, "fp32")
    result = check_success(run_cli("inspect", model))
    text = result.stdout.lower()
    for op in ops:
        assert re.search(rf"\b{op}\b", text), result.stdout
    assert re.search(r"\bx\b", result.stdout) and "output" in result.stdout


def test_inspect_coreml_model_refuses_archive_options(seed_models):
    model = seed_models.converted("controlflow", ".mlmodel", "fp32")
    line = error_line(run_cli("inspect", model, "--ir"))
    assert "--ir" in line
