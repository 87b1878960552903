"""Helpers of the end-to-end suite: run the ts2coreml executable, compare with torch.

Tolerances (ARCHITECTURE.md): fp32 max abs error <= 1e-4 + 1e-3 * max|ref|,
fp16 max abs error <= 3e-2 * max(1, max|ref|).
"""
import os
import subprocess
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
FIXTURE_MODELS = REPO / "tests" / "fixtures" / "models"
FORMATS = (".mlpackage", ".mlmodel")
PRECISIONS = ("fp32", "fp16")
DEBIAN_PYTHON = "/usr/bin/python3"  # Debian's torch 1.13 and torchvision 0.14
# The torchvision models the real-model tests convert (tests/e2e/torchvision_models.py saves them).
TORCHVISION_MODELS = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small",
                      "efficientnet_b0", "squeezenet1_1", "shufflenet_v2_x0_5", "densenet121",
                      "vgg11"]


def torchvision_archives_dir():
    """The torchvision models saved scripted and traced by Debian's torch 1.13 + torchvision 0.14
    (tests/e2e/torchvision_models.py), with input.npy and each model's output <name>_<how>.npy.

    Generating them takes a minute, so they are kept under the build folder, keyed by the
    generator's content, and shared by every pytest run (and worker: a file lock serialises the
    first generation)."""
    import fcntl
    import hashlib

    generator = Path(__file__).with_name("torchvision_models.py")
    key = hashlib.sha256(generator.read_bytes() + " ".join(TORCHVISION_MODELS).encode())
    build = Path(os.environ.get("TS2COREML_BUILD_DIR", REPO / "build"))
    cache = build.resolve() / "test-cache" / f"torchvision-{key.hexdigest()[:16]}"
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(cache.parent / "torchvision.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "complete").exists():
            cache.mkdir(exist_ok=True)
            result = subprocess.run([DEBIAN_PYTHON, str(generator), str(cache),
                                     *TORCHVISION_MODELS], capture_output=True, text=True)
            assert result.returncode == 0, (
                f"{DEBIAN_PYTHON} with python3-torchvision is needed (scripts/setup.sh installs "
                f"it):\n{result.stderr[-2000:]}")
            (cache / "complete").write_text("")
    return cache


def cli_path():
    return Path(os.environ.get("TS2COREML_BIN", REPO / "build" / "ts2coreml")).resolve()


def run_cli(*args, timeout=600):
    """Runs `ts2coreml ARGS...`; returns the CompletedProcess (text stdout/stderr)."""
    return subprocess.run([str(cli_path()), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def describe(result):
    return (f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n"
            f"{result.stderr}")


def check_success(result):
    assert result.returncode == 0, describe(result)
    return result


def error_line(result):
    """Asserts the contract for failures: non-zero exit, exactly one stderr line `error: ...`."""
    assert result.returncode != 0, describe(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith("error: "), describe(result)
    return lines[0]


def convert(archive, output, inputs=("1x3x64x64",), precision=None, extra=()):
    args = ["convert", archive, "-o", output]
    for spec in inputs:
        args += ["--input", spec]
    if precision:
        args += ["--precision", precision]
    return run_cli(*args, *extra)


def run_model(model, inputs, output_dir):
    """Runs a Core ML model on .npy inputs (a list of paths, or NAME=PATH strings) and returns
    {output name: array} read back from output_dir."""
    args = ["run", model, "--output-dir", output_dir]
    for item in inputs:
        args += ["--input", item]
    check_success(run_cli(*args))
    return {path.stem: np.load(path) for path in Path(output_dir).glob("*.npy")}


def line_in(path, marker):
    """The line of source file `path` that holds `marker` (tests that expect an error at the
    Python line of a model they define pass their own __file__)."""
    with open(path) as source:
        for number, line in enumerate(source, start=1):
            if marker in line and "line_of(" not in line and "line_in(" not in line:
                return number
    raise AssertionError(marker)


def tolerance(reference, precision):
    peak = float(np.max(np.abs(reference))) if reference.size else 0.0
    if precision == "fp16":
        return 3e-2 * max(1.0, peak)
    return 1e-4 + 1e-3 * peak


def max_abs_error(ours, reference):
    assert ours.shape == reference.shape, f"shape {ours.shape} != {reference.shape}"
    return float(np.max(np.abs(ours.astype(np.float64) - reference.astype(np.float64))))


def is_close(ours, reference, precision):
    return max_abs_error(ours, reference) <= tolerance(reference, precision)


def assert_close(ours, reference, precision, what=""):
    error = max_abs_error(ours, reference)
    limit = tolerance(reference, precision)
    assert error <= limit, f"{what}: max abs error {error:.3g} > {limit:.3g} ({precision})"


class ConversionCache:
    """Converts each (archive, format, precision) once per session with the CLI.

    A failed conversion is remembered too, so every test that needs it reports the same error
    without converting again.
    """

    def __init__(self, work_dir):
        self.work_dir = Path(work_dir)
        self._results = {}

    def get(self, archive, fmt, precision):
        key = (str(archive), fmt, precision)
        if key not in self._results:
            stem = Path(archive).stem.replace(".", "_")
            out_dir = self.work_dir / "converted"
            out_dir.mkdir(parents=True, exist_ok=True)
            output = out_dir / f"{stem}_{precision}{fmt}"
            result = convert(archive, output, precision=precision)
            self._results[key] = (output, result)
        output, result = self._results[key]
        check_success(result)
        return output

    def run(self, archive, fmt, precision, input_path):
        model = self.get(archive, fmt, precision)
        out_dir = self.work_dir / "runs" / f"{model.name}.{Path(input_path).stem}"
        outputs = run_model(model, [input_path], out_dir)
        assert set(outputs) == {"output"}, f"outputs written: {sorted(outputs)}"
        return outputs["output"]


def validate_with_coremltools(model):
    """coremltools reads the file; an ML Program is rebuilt through coremltools' op definitions
    (type checks, weights read back from weight.bin) and validated."""
    import coremltools as ct  # test-only dependency
    from coremltools.converters.mil.frontend.milproto.load import load as milproto_load

    loaded = ct.models.MLModel(str(model), skip_model_load=True)
    spec = loaded.get_spec()
    if spec.WhichOneof("Type") == "mlProgram":
        milproto_load(spec, specification_version=spec.specificationVersion,
                      file_weights_dir=loaded.weights_dir).validate()


def check_module_against_torch(module, example, work_dir, fmt, how, precisions=("fp32",),
                               what="", extra=()):
    """Scripts or traces `module` (eval mode) on the tensor `example`, saves it, converts it to
    `fmt` at each precision (with the extra CLI arguments `extra`), runs it on `example` and
    compares every output with torch's."""
    import torch  # only the tests that use this helper need torch here

    with torch.no_grad():
        saved = torch.jit.script(module) if how == "script" else torch.jit.trace(module, (example,))
        result = saved(example)
    references = [result.numpy()] if isinstance(result, torch.Tensor) else [t.numpy() for t in result]
    work_dir = Path(work_dir)
    archive = work_dir / "module.pt"
    saved.save(str(archive))
    np.save(work_dir / "x.npy", example.numpy())
    spec = "x".join(map(str, example.shape))
    for precision in precisions:
        model = work_dir / f"module_{precision}{fmt}"
        check_success(convert(archive, model, inputs=[spec], precision=precision, extra=extra))
        validate_with_coremltools(model)
        outputs = run_model(model, [work_dir / "x.npy"], work_dir / f"out_{precision}")
        names = ["output"] if len(references) == 1 else [f"output_{i}" for i in
                                                         range(len(references))]
        assert sorted(outputs) == sorted(names), sorted(outputs)
        for name, reference in zip(names, references):
            assert_close(outputs[name], reference, precision, f"{what} {how} {name}")
