"""What every corpus file shares: the Entry record, the @entry decorator that registers a model
in ENTRIES, and the input-case helpers. Each corpus_<family>.py beside it holds the entries of one
construct family; corpus_models.py imports them all (corpus_models.ENTRIES is the whole corpus),
so a new family never edits a shared list.
"""
import numpy as np
import torch
import torch.nn as nn

ENTRIES = {}


class Entry:
    """One corpus model. `inputs` are (name, shape) for float32 tensors, (name, shape, dtype)
    for other tensor dtypes, or (name, "int" | "float" | "bool") for a number given at run time
    (a one-element model input). `constants` are parameters fixed at conversion
    (`--input name=value`); `module` / `method` pick what is converted (`--module`, `--method`).
    """

    def __init__(self, name, make, inputs, cases, how="script", formats=("mlpackage", "mlmodel"),
                 constants=None, module="", method="forward"):
        self.name = name
        self.make = make  # () -> nn.Module (or a function for how="script_function")
        self.inputs = inputs
        self.cases = cases  # {case name: (rng) -> [array or number per input]}
        self.how = how
        self.formats = formats
        self.constants = constants or {}
        self.module = module
        self.method = method

    def input_specs(self):
        specs = []
        for item in self.inputs:
            name, shape = item[0], item[1]
            if isinstance(shape, str):
                specs.append(f"{name}:1")
            else:
                dtype = f":{item[2]}" if len(item) > 2 else ""
                specs.append(f"{name}:{'x'.join(map(str, shape))}{dtype}")
        specs += [f"{name}={_constant_text(value)}" for name, value in self.constants.items()]
        return specs

    def convert_options(self):
        """The CLI options besides --input (what is converted)."""
        options = []
        if self.module:
            options += ["--module", self.module]
        if self.method != "forward":
            options += ["--method", self.method]
        return options

    def case_arrays(self, case):
        """The model inputs of a case as numpy arrays (numbers as one-element arrays)."""
        rng = np.random.default_rng(_stable_seed(self.name, case))
        arrays = []
        for item, value in zip(self.inputs, self.cases[case](rng)):
            kind = item[1]
            if isinstance(kind, str):
                # Core ML inputs hold no bools: a bool parameter is an int32 input (0 or 1).
                dtype = {"int": np.int32, "float": np.float32, "bool": np.int32}[kind]
                arrays.append(np.asarray([value], dtype=dtype))
            else:
                arrays.append(np.asarray(value, dtype=item[2] if len(item) > 2 else np.float32))
        return arrays

    def torch_arguments(self, case):
        """The arguments torch's call takes for a case: tensors, numbers, then the constants."""
        arguments = []
        for item, array in zip(self.inputs, self.case_arrays(case)):
            if isinstance(item[1], str):
                value = array[0].item()
                arguments.append(bool(value) if item[1] == "bool" else value)
            else:
                arguments.append(torch.from_numpy(array))
        return arguments, dict(self.constants)

    def torch_callable(self, module):
        """What the converted model computes: the method of the (sub)module."""
        for part in filter(None, self.module.split(".")):
            module = getattr(module, part)
        return getattr(module, self.method)

    def to_torchscript(self):
        torch.manual_seed(0)
        module = self.make()
        if isinstance(module, nn.Module):
            module = module.eval()
        if self.how == "script":
            return torch.jit.script(module)
        if self.how in ("trace", "trace_dict"):
            example = tuple(self.torch_arguments(sorted(self.cases)[0])[0])
            return torch.jit.trace(module, example, strict=self.how != "trace_dict")
        if self.how == "freeze":
            return torch.jit.freeze(torch.jit.script(module))
        if self.how == "mixed":
            return torch.jit.script(module)  # the module traces its own parts in make()
        raise ValueError(self.how)


def _constant_text(value):
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def _feature_part(key):
    text = "".join(c if c.isalnum() or c == "_" else "_" for c in str(key))
    return text or "_"


def named_outputs(result):
    """[(Core ML output name, array)] of what a model returned, as the converter names them:
    tuples/lists flatten in order (output, or output_0, output_1, ...); once a dict is part of
    the result, names are paths of keys and item indices joined by '_' (under "output" unless
    the result itself is a dict); None is left out."""
    leaves = []
    saw_dict = False

    def collect(value, path):
        nonlocal saw_dict
        if value is None:
            return
        if isinstance(value, dict):
            saw_dict = True
            for key, item in value.items():
                collect(item, path + [_feature_part(key)])
        elif isinstance(value, (tuple, list)):
            for index, item in enumerate(value):
                collect(item, path + [str(index)])
        elif isinstance(value, torch.Tensor):
            leaves.append((path, value.detach().numpy()))
        else:
            leaves.append((path, np.asarray(value)))

    collect(result, [])
    names, taken = [], set()
    for index, (path, _) in enumerate(leaves):
        if not saw_dict:
            name = "output" if len(leaves) == 1 else f"output_{index}"
        else:
            name = "_".join(path)
            if not isinstance(result, dict) or not name or name[0].isdigit():
                name = f"output_{name}" if name else "output"
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}_{n}", n + 1
        taken.add(unique)
        names.append(unique)
    return [(name, array) for name, (_, array) in zip(names, leaves)]


def entry(name, inputs, cases, how="script", formats=("mlpackage", "mlmodel"), constants=None,
          module="", method="forward"):
    def register(make):
        ENTRIES[name] = Entry(name, make, inputs, cases, how, formats, constants, module, method)
        return make

    return register


def _stable_seed(name, case):
    seed = 17
    for ch in f"{name}/{case}":
        seed = (seed * 131 + ord(ch)) % (2**31)
    return seed


def normal(*shape, shift=0.0):
    return lambda rng: [rng.standard_normal(shape) + shift]


def positive(*shape):
    return lambda rng: [np.abs(rng.standard_normal(shape)) + 0.5]


def negative(*shape):
    return lambda rng: [-np.abs(rng.standard_normal(shape)) - 0.5]


def signed_cases(*shape):
    """Two cases: every element positive ("pos"), every element negative ("neg")."""
    return {"pos": positive(*shape), "neg": negative(*shape)}


def sign_pair_cases(*shape):
    """Four cases for two inputs x, y of one shape: the signs of their elements, "pp" (both
    positive), "pn", "np" and "nn" (both negative)."""

    def pair(sx, sy):
        return lambda rng: [sx * (np.abs(rng.standard_normal(shape)) + 0.5),
                            sy * (np.abs(rng.standard_normal(shape)) + 0.5)]

    return {"pp": pair(1, 1), "pn": pair(1, -1), "np": pair(-1, 1), "nn": pair(-1, -1)}


S = (2, 3, 4)  # the default input shape of the small models
