"""Builds, saves and converts the modules of the op test table (op_cases.py); shared by
tests/e2e/test_ops.py and tools/gen_op_coverage.py."""
import importlib.util
import re
import textwrap
from pathlib import Path

import numpy as np
import torch

from e2e_helpers import check_success, convert, run_cli

_HEADER = """import math
import torch
import torch.nn.functional as F
from torch import Tensor
"""


def input_names(case):
    return [spec.split(":")[0] for spec in case.inputs]


def forward_source(case, class_name):
    body = case.expr if "return" in case.expr else f"return {case.expr}"
    args = ", ".join(f"{name}: Tensor" for name in input_names(case))
    return (f"class {class_name}(torch.nn.Module):\n"
            f"    def forward(self, {args}):\n{textwrap.indent(body, ' ' * 8)}\n\n\n")


def class_name(case):
    return "Case_" + re.sub(r"\W", "_", case.id)


def load_modules(cases, directory):
    """Writes one module class per case into a file (TorchScript needs their source) and imports
    it; returns {case id: class}."""
    path = Path(directory) / "op_case_modules.py"
    path.write_text(_HEADER + "\n\n" + "".join(forward_source(c, class_name(c)) for c in cases))
    spec = importlib.util.spec_from_file_location("op_case_modules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {c.id: getattr(module, class_name(c)) for c in cases}


def instantiate(case, cls):
    torch.manual_seed(0)
    module = cls()
    for name, expression in case.params:
        value = eval(expression, {"torch": torch})
        if isinstance(value, torch.nn.Module):
            setattr(module, name, value)
        else:
            module.register_buffer(name, value)
    return module.eval()


def make_input(kind, shape, rng):
    if kind == "randn":
        return rng.standard_normal(shape).astype(np.float32)
    if kind == "pos":
        return rng.uniform(0.1, 3.0, shape).astype(np.float32)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape).astype(np.float32)
    if kind == "big":
        return (rng.standard_normal(shape) * 4).astype(np.float32)
    if kind == "half":  # ties of round-half-to-even
        return (rng.integers(-8, 8, shape) + 0.5).astype(np.float32)
    if kind == "special":
        x = rng.standard_normal(shape).astype(np.float32).reshape(-1)
        x[:3] = [np.nan, np.inf, -np.inf]
        return x.reshape(shape)
    if kind == "int":
        return rng.integers(-5, 6, shape).astype(np.int32)
    if kind == "long":
        return rng.integers(-5, 6, shape).astype(np.int64)
    if kind.startswith("idx"):
        return rng.integers(0, int(kind[3:]), shape).astype(np.int64)
    if kind == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    raise ValueError(f"unknown input kind {kind}")


def make_inputs(case, seed=0):
    """[(name, array, cli dtype)] for the case's inputs."""
    rng = np.random.default_rng(seed)
    out = []
    for spec in case.inputs:
        name, kind, dims = spec.split(":")
        array = make_input(kind, tuple(int(d) for d in dims.split("x")), rng)
        out.append((name, array))
    return out


_CLI_DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.int32): "int32",
               np.dtype(np.int64): "int64", np.dtype(bool): "bool"}


def input_specs(inputs):
    return [f"{name}:{'x'.join(map(str, a.shape))}:{_CLI_DTYPES[a.dtype]}" for name, a in inputs]


def hows(case):
    if case.trace == "only":
        return ["trace"]
    return ["script", "trace"] if case.trace else ["script"]


def save_case(case, cls, how, directory):
    """Scripts or traces the case's module, saves it and the inputs; returns (archive, inputs,
    torch results as a list of arrays)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    module = instantiate(case, cls)
    inputs = make_inputs(case)

    def fresh():  # in-place ops in a case must not change the inputs of the next call
        return tuple(torch.from_numpy(a.copy()) for _, a in inputs)

    with torch.no_grad():
        result = module(*fresh())
        saved = torch.jit.script(module) if how == "script" else torch.jit.trace(module, fresh())
    archive = directory / f"{case.id}_{how}.pt"
    saved.save(str(archive))
    for name, array in inputs:
        np.save(directory / f"{name}.npy", array)
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    return archive, inputs, [torch.as_tensor(r).numpy() for r in results]


def torch_ops(archive, inputs):
    """The op counts of the compiled TorchScript graph, from `ts2coreml inspect`."""
    args = ["inspect", archive]
    for spec in input_specs(inputs):
        args += ["--input", spec]
    return parse_counts(check_success(run_cli(*args)).stdout)


def parse_counts(text):
    """{name: count} from the indented `name: count` lines of `ts2coreml inspect`."""
    counts = {}
    for line in text.splitlines():
        match = re.fullmatch(r"  ([\w:.]+): (\d+)", line)
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


def convert_case(archive, inputs, output, extra=()):
    return convert(archive, output, inputs=input_specs(inputs), precision="fp32", extra=extra)
