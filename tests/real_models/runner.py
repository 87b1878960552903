"""Converts one generated model (archive_io.py's folder) with the ts2coreml CLI to each target,
runs it in our runtime and compares with torch's outputs; asks coremltools to convert it.

A result per target is "pass" or the first failure as one line: our `error: ...` line, a
numeric mismatch, or what went wrong around it (outputs missing, run failed). A mismatch where
torch's own float32 and float64 outputs already differ by more than the tolerance (for fp16: torch
with its weights and activations rounded to fp16) is reported as "ill-conditioned: ...": with
these random weights the comparison says nothing either way.
A conversion refused because a layer needs a newer deployment target than the default is done
again with the target the message names, as a user would.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))
import e2e_helpers  # noqa: E402  (tolerances, CLI path)

sys.path.insert(0, str(HERE))
import archive_io  # noqa: E402

# target -> (file extension, precision)
TARGETS = {"mlprogram_fp32": (".mlpackage", "fp32"), "mlprogram_fp16": (".mlpackage", "fp16"),
           "neuralnetwork": (".mlmodel", "fp32")}
CONVERT_TIMEOUT = 900
# "... convert with --minimum-deployment-target iOS14, or ..." (nn_context.cc)
DEPLOYMENT_ADVICE = re.compile(r"convert with --minimum-deployment-target (iOS\d+)")
COREMLTOOLS_TIMEOUT = 300


def first_line(result):
    for line in result.stderr.splitlines():
        if line.startswith("error: "):
            return line
    tail = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
    return f"crash (exit {result.returncode}): {tail[:200]}"


# The largest finite float16: an output beyond it cannot come out of an fp16 computation.
FP16_MAX = 65504.0


def compare(outputs, spec, references, precision):
    names = spec["outputs"]
    if len(names) == 1 and len(outputs) == 1:
        # One output is `output` in Core ML whether torch returned it alone or in a 1-tuple.
        outputs = {names[0]: next(iter(outputs.values()))}
    if sorted(outputs) != sorted(names):
        # Tuple outputs are output_0, output_1... in both; anything else must match by name.
        if len(outputs) != len(names):
            return f"outputs {sorted(outputs)} != torch's {names}"
        return f"output names {sorted(outputs)} != torch's {names}"
    # How far rounding alone moves torch's output: float32 against float64 for an fp32 model,
    # fp16 rounding of weights and activations for an fp16 one (archive_io).
    spreads = spec.get("fp16_spread" if precision == "fp16" else "fp64_spread")
    for name, reference, spread in zip(names, references, spreads or [None] * len(names)):
        ours = outputs[name]
        if ours.shape != reference.shape:
            return f"{name}: shape {list(ours.shape)} != torch's {list(reference.shape)}"
        error = e2e_helpers.max_abs_error(ours, reference)
        limit = e2e_helpers.tolerance(reference, precision)
        peak = float(np.max(np.abs(reference))) if reference.size else 0.0
        if precision == "fp16" and peak > FP16_MAX and not error <= limit:
            # No fp16 model can give this output: the random test weights, not the converter.
            return (f"out of fp16 range: {name}: torch's output reaches {peak:.3g}, above fp16's "
                    f"largest finite value {FP16_MAX:g}; ours is off by {error:.3g} (fp16)")
        if not np.all(np.isfinite(ours)) and np.all(np.isfinite(reference)):
            return f"{name}: non-finite values"
        if not error <= limit:
            if spread is not None and spread > limit:
                cause = ("torch with fp16-rounded weights and activations differs by"
                         if precision == "fp16" else
                         "torch's float32 and float64 outputs differ by")
                return (f"ill-conditioned: {name}: {cause} {spread:.3g} > {limit:.3g}; ours by "
                        f"{error:.3g} ({precision})")
            return f"{name}: max abs error {error:.3g} > {limit:.3g} ({precision})"
    return "pass"


def check_target(case_dir, work_dir, target):
    spec, inputs, references = archive_io.load_case(case_dir)
    extension, precision = TARGETS[target]
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    model = work_dir / f"{target}{extension}"
    args = ["convert", Path(case_dir) / "model.pt", "-o", model, "--precision", precision]
    for item in spec["inputs"]:
        args += ["--input", item]
    try:
        result = e2e_helpers.run_cli(*args, timeout=CONVERT_TIMEOUT)
        advice = DEPLOYMENT_ADVICE.search(result.stderr) if result.returncode != 0 else None
        if advice:
            # A layer newer than the default target: convert again as the message advises.
            result = e2e_helpers.run_cli(*args, "--minimum-deployment-target", advice.group(1),
                                         timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"conversion took more than {CONVERT_TIMEOUT} s"
    if result.returncode != 0:
        return first_line(result)
    out_dir = work_dir / f"{target}.out"
    args = ["run", model, "--output-dir", out_dir]
    for path in inputs:
        args += ["--input", path]
    try:
        result = e2e_helpers.run_cli(*args, timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"run took more than {CONVERT_TIMEOUT} s"
    if result.returncode != 0:
        return "run: " + first_line(result)
    outputs = {path.stem: np.load(path) for path in out_dir.glob("*.npy")}
    return compare(outputs, spec, references, precision)


def check_case(case_dir, work_dir, targets=tuple(TARGETS)):
    """{target: result}, or {"torch": line} when torch could not make the archive."""
    error = Path(case_dir) / "torch_error.txt"
    if error.exists():
        return {"torch": error.read_text().strip()}
    return {target: check_target(case_dir, Path(work_dir), target) for target in targets}


# Run by coremltools_converts in a python3 with torch 2.13 and coremltools 9.0, one process per
# batch of models: prints `NAME yes|no` per model; a model over its time is `no (timeout)`.
_COREMLTOOLS_SCRIPT = r"""
import json, signal, sys, warnings
warnings.simplefilter("ignore")
import numpy as np, torch, coremltools as ct
class Timeout(Exception):
    pass
def alarm(*_):
    raise Timeout()
signal.signal(signal.SIGALRM, alarm)
for case in sys.argv[2:]:
    spec = json.load(open(case + "/spec.json"))
    inputs = []
    for item in spec["inputs"]:
        dims, dtype = item.split(":")
        shape = tuple(int(d) for d in dims.split("x"))
        inputs.append(ct.TensorType(shape=shape,
                                    dtype=np.int32 if dtype.startswith("int") else np.float32))
    signal.alarm(int(sys.argv[1]))
    try:
        ct.convert(torch.jit.load(case + "/model.pt"), inputs=inputs)
        answer = "yes"
    except Timeout:
        answer = "no (timeout)"
    except BaseException as error:
        answer = "no"
    signal.alarm(0)
    print(case.rsplit("/", 1)[-1], answer, flush=True)
"""


def _coremltools_batch(case_dirs, python):
    try:
        result = subprocess.run(
            [python, "-c", _COREMLTOOLS_SCRIPT, str(COREMLTOOLS_TIMEOUT), *map(str, case_dirs)],
            capture_output=True, text=True, timeout=COREMLTOOLS_TIMEOUT * (len(case_dirs) + 2),
            env=dict(os.environ, PYTHONWARNINGS="ignore"))
        lines = result.stdout.splitlines()
    except subprocess.TimeoutExpired as expired:
        lines = (expired.stdout or b"").decode(errors="replace").splitlines()
    return dict(line.partition(" ")[::2] for line in lines)


def coremltools_converts(case_dirs, python=sys.executable):
    """{name: "yes"|"no"|"no (timeout)"|"no (crashed)"} of coremltools 9.0's ct.convert on each
    archive, one process for the batch."""
    answers = _coremltools_batch(case_dirs, python)
    for case in case_dirs:
        # A crash of the process (coremltools aborting) ends its batch: retry the rest alone.
        if Path(case).name not in answers:
            answers.update(_coremltools_batch([case], python))
            answers.setdefault(Path(case).name, "no (crashed)")
    return answers


def save_results(path, results):
    Path(path).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
