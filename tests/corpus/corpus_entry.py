"""What every corpus file shares: the Entry record, the @entry decorator that registers a model
in ENTRIES, and the input-case helpers. corpus_models.py holds the original entries; each
corpus_<family>.py beside it adds the entries of one construct family and is loaded by
corpus_models._load_families(), so a new family never edits a shared list.
"""
import numpy as np
import torch
import torch.nn as nn

ENTRIES = {}


class Entry:
    def __init__(self, name, make, inputs, cases, how="script", formats=("mlpackage", "mlmodel")):
        self.name = name
        self.make = make  # () -> nn.Module (or a function for how="script_function")
        self.inputs = inputs  # [(name, shape)]
        self.cases = cases  # {case name: (rng) -> [array per input]}
        self.how = how
        self.formats = formats

    def input_specs(self):
        return [f"{name}:{'x'.join(map(str, shape))}" for name, shape in self.inputs]

    def case_arrays(self, case):
        rng = np.random.default_rng(_stable_seed(self.name, case))
        return [np.asarray(a, dtype=np.float32) for a in self.cases[case](rng)]

    def to_torchscript(self):
        torch.manual_seed(0)
        module = self.make()
        if isinstance(module, nn.Module):
            module = module.eval()
        if self.how == "script":
            return torch.jit.script(module)
        if self.how == "trace":
            example = [torch.from_numpy(a) for a in self.case_arrays(sorted(self.cases)[0])]
            return torch.jit.trace(module, tuple(example))
        if self.how == "freeze":
            return torch.jit.freeze(torch.jit.script(module))
        if self.how == "mixed":
            return torch.jit.script(module)  # the module traces its own parts in make()
        raise ValueError(self.how)


def _stable_seed(name, case):
    seed = 17
    for ch in f"{name}/{case}":
        seed = (seed * 131 + ord(ch)) % (2**31)
    return seed


def entry(name, inputs, cases, how="script", formats=("mlpackage", "mlmodel")):
    def register(make):
        ENTRIES[name] = Entry(name, make, inputs, cases, how, formats)
        return make

    return register


def normal(*shape, shift=0.0):
    return lambda rng: [rng.standard_normal(shape) + shift]


def positive(*shape):
    return lambda rng: [np.abs(rng.standard_normal(shape)) + 0.5]


def negative(*shape):
    return lambda rng: [-np.abs(rng.standard_normal(shape)) - 0.5]


def signed_cases(*shape):
    """Two cases: every element positive ("pos"), every element negative ("neg")."""
    return {"pos": positive(*shape), "neg": negative(*shape)}


S = (2, 3, 4)  # the default input shape of the small models
