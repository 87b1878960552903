"""The folder one generator writes per model, read back by the runner (no torch import here):

    NAME/model.pt        the TorchScript archive
    NAME/in<i>.npy       forward input i
    NAME/out<j>.npy      torch's output j (outputs flattened: tuple items, dict values in order)
    NAME/spec.json       {"inputs": ["1x3x64x64:float32", ...], "outputs": [path names],
                          "how": "script"|"trace", "versions": {...},
                          "fp64_spread": [per output: max |torch fp32 - torch fp64|] or null}
    NAME/torch_error.txt when torch itself could not build, run or save the model (one line);
                         such a model is listed, not converted
    NAME/complete        written last: the folder is whole
"""
import json
import traceback
from pathlib import Path

import numpy as np

DTYPES = {"float32": "float32", "int64": "int64", "int32": "int32", "bool": "bool",
          "float16": "float16"}


def flatten(value, path, items):
    """(path name, tensor) pairs of a model's outputs: a tensor, tuples/lists and dicts of them
    (HF ModelOutput is a dict). Names join the path with '_' (dict keys, tuple indices)."""
    if hasattr(value, "numpy") and hasattr(value, "shape"):
        items.append((path or "output", value))
    elif isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{path}_{key}" if path else str(key), items)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            flatten(item, f"{path}_{i}" if path else f"output_{i}", items)
    elif value is not None:
        raise TypeError(f"output of type {type(value).__name__}")
    return items


def float64_spread(model, inputs, outputs):
    """Per output, how far float32 rounding alone moves torch's result: the largest difference
    between `outputs` and the eager `model` run in float64. Random batch-norm statistics can make
    a deep network chaotic; where this spread exceeds the tolerance, a comparison with torch's
    float32 output says nothing about the converter (runner.compare reports it). None when the
    model does not run in float64."""
    import copy

    import torch

    try:
        wide = copy.deepcopy(model).double()
        with torch.no_grad():
            result = wide(*[t.double() if t.is_floating_point() else t for t in inputs])
        narrow_items, wide_items = flatten(outputs, "", []), flatten(result, "", [])
        if [n for n, _ in narrow_items] != [n for n, _ in wide_items]:
            return None
        return [float((a.double() - b.double()).abs().max()) if a.numel() else 0.0
                for (_, a), (_, b) in zip(narrow_items, wide_items)]
    except Exception:  # noqa: BLE001 - a model with float32 baked in: no spread, plain comparison
        return None


def save_case(out_dir, module, inputs, outputs, how, versions, spread=None):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    module.save(str(out_dir / "model.pt"))
    specs = []
    for i, tensor in enumerate(inputs):
        array = tensor.detach().numpy()
        np.save(out_dir / f"in{i}.npy", array)
        specs.append("x".join(map(str, array.shape)) + ":" + DTYPES[str(array.dtype)])
    names = []
    for j, (name, tensor) in enumerate(flatten(outputs, "", [])):
        np.save(out_dir / f"out{j}.npy", tensor.detach().float().numpy())
        names.append(name)
    spec = {"inputs": specs, "outputs": names, "how": how, "versions": versions,
            "fp64_spread": spread}
    (out_dir / "spec.json").write_text(json.dumps(spec, indent=1) + "\n")


def build_guarded(build, name, out_dir):
    """Runs build(name, out_dir); a failure of torch itself is recorded, not raised, so one
    model does not stop its batch."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        build(name, out_dir)
    except Exception as error:  # noqa: BLE001 - recorded for the table
        last = traceback.extract_tb(error.__traceback__)[-1]
        message = " ".join(str(error).split())[:300]
        (out_dir / "torch_error.txt").write_text(
            f"{type(error).__name__}: {message} ({Path(last.filename).name}:{last.lineno})\n")
    (out_dir / "complete").write_text("")


def randomise_norms(model):
    """Batch-norm statistics and affine parameters random, so that no norm is the identity."""
    import torch

    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm) and \
                    module.running_mean is not None:
                module.running_mean.uniform_(-0.2, 0.2, generator=generator)
                module.running_var.uniform_(0.5, 1.5, generator=generator)
                if module.weight is not None:
                    module.weight.uniform_(0.5, 1.5, generator=generator)
                    module.bias.uniform_(-0.2, 0.2, generator=generator)


def load_case(case_dir):
    case_dir = Path(case_dir)
    spec = json.loads((case_dir / "spec.json").read_text())
    inputs = [case_dir / f"in{i}.npy" for i in range(len(spec["inputs"]))]
    references = [np.load(case_dir / f"out{j}.npy") for j in range(len(spec["outputs"]))]
    return spec, inputs, references
