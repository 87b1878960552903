"""The folder one generator writes per model, read back by the runner (no torch import here):

    NAME/model.pt        the TorchScript archive
    NAME/in<i>.npy       forward input i
    NAME/out<j>.npy      torch's output j (outputs flattened: tuple items, dict values in order)
    NAME/spec.json       {"inputs": ["1x3x64x64:float32", ...], "outputs": [path names],
                          "how": "script"|"trace", "versions": {...},
                          "fp64_spread": [per output: max |torch fp32 - torch fp64|] or null,
                          "fp16_spread": [per output: max |torch fp32 - torch with fp16
                                          rounding|] or null}
    NAME/torch_error.txt when torch itself could not build, run or save the model (one line);
                         such a model is listed, not converted
    NAME/complete        written last: the folder is whole
"""
import json
import math
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


def _largest_differences(outputs, result):
    """Per output, max |outputs - result| (both flattened alike), or None when the two runs give
    different outputs."""
    items, other_items = flatten(outputs, "", []), flatten(result, "", [])
    if [n for n, _ in items] != [n for n, _ in other_items]:
        return None
    return [float((a.double() - b.double()).abs().max()) if a.numel() else 0.0
            for (_, a), (_, b) in zip(items, other_items)]


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
        return _largest_differences(outputs, result)
    except Exception:  # noqa: BLE001 - a model with float32 baked in: no spread, plain comparison
        return None


def float16_spread(model, inputs, outputs):
    """Per output, how far fp16 rounding alone moves torch's result: the largest difference
    between `outputs` and the eager `model` with its weights and every module's output rounded to
    float16 (computed in float32 between the roundings, so a lower bound of what an fp16 model
    meets). Deep networks with random weights can amplify that rounding beyond the fp16
    tolerance; runner.compare then gives no verdict. None when the model does not run so."""
    import copy

    import torch

    def rounded(value):
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            return value.half().float()
        if isinstance(value, tuple):
            return tuple(rounded(item) for item in value)
        return value

    try:
        narrow = copy.deepcopy(model).float()
        with torch.no_grad():
            for tensor in list(narrow.parameters()) + list(narrow.buffers()):
                if tensor.is_floating_point():
                    tensor.copy_(tensor.half().float())
            for module in narrow.modules():
                module.register_forward_hook(lambda _m, _i, out: rounded(out))
            result = narrow(*[rounded(t) for t in inputs])
        return _largest_differences(outputs, result)
    except Exception:  # noqa: BLE001 - no estimate: plain comparison
        return None


def spreads(model, inputs, outputs):
    """The spec's rounding estimates: {"fp64_spread": ..., "fp16_spread": ...}."""
    return {"fp64_spread": float64_spread(model, inputs, outputs),
            "fp16_spread": float16_spread(model, inputs, outputs)}


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
            **(spread or {"fp64_spread": None, "fp16_spread": None})}
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


def randomise_norms(model, calibration_inputs=None):
    """Batch-norm statistics and affine parameters random, so that no norm is the identity, at
    the scale of each norm's input. Statistics drawn independently of the activations make a deep
    random network's scale blow up or vanish layer by layer; statistics measured per channel on a
    small batch make it chaotic instead (each norm stretches the small differences between
    inputs to unit scale, and rounding with them). So, given `calibration_inputs` (a tuple of
    model inputs), one eval-mode pass measures each norm's input scale s, the root mean square
    over all its elements, in the order the norms run (each from what the norms before it,
    already set, give it); the statistics are then drawn at that scale: mean uniform in
    ±0.2·s and variance in (0.5, 1.5)·s² per channel. Without inputs, when that pass fails, and
    for a norm it does not reach (an auxiliary head in eval mode), s is 1."""
    import torch

    norms = [module for module in model.modules()
             if isinstance(module, torch.nn.modules.batchnorm._BatchNorm) and
             module.running_mean is not None]
    if not norms:
        return
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in norms:
            if module.weight is not None:
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.uniform_(-0.2, 0.2, generator=generator)
        for module in norms:
            module.running_mean.uniform_(-0.2, 0.2, generator=generator)
            module.running_var.uniform_(0.5, 1.5, generator=generator)
        if calibration_inputs is not None:
            _scale_to_inputs(model, norms, calibration_inputs)


def _scale_to_inputs(model, norms, inputs):
    """One eval-mode pass over `inputs`; a hook before each norm's first call scales its drawn
    statistics (mean by s, variance by s²) to the root mean square s of its input. On a failed
    pass the norms not yet reached keep their unit-scale statistics."""
    import torch

    seen = set()

    def scale(module, args):
        if id(module) in seen:
            return
        seen.add(id(module))
        rms = float(args[0].double().pow(2).mean().sqrt())
        if math.isfinite(rms) and rms > 0:
            module.running_mean.mul_(rms)
            module.running_var.mul_(rms * rms)

    model.eval()
    handles = [module.register_forward_pre_hook(scale) for module in norms]
    try:
        model(*inputs)
    except Exception:  # noqa: BLE001 - code that fails on this batch: the rest stay at scale 1
        pass
    finally:
        for handle in handles:
            handle.remove()


def load_case(case_dir):
    case_dir = Path(case_dir)
    spec = json.loads((case_dir / "spec.json").read_text())
    inputs = [case_dir / f"in{i}.npy" for i in range(len(spec["inputs"]))]
    references = [np.load(case_dir / f"out{j}.npy") for j in range(len(spec["outputs"]))]
    return spec, inputs, references
