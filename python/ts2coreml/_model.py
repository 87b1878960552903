"""Model: a converted or loaded Core ML model, run by ts2coreml's reference runtime."""
import collections.abc
import os
from typing import NamedTuple, Tuple

import numpy as np

from . import _core


class FeatureDescription(NamedTuple):
    """One model input or output as the model file declares it (-1 for an unknown dim)."""

    name: str
    dtype: np.dtype
    shape: Tuple[int, ...]

    def __str__(self):
        return f"{self.name}: {self.dtype.name} {'x'.join(str(d) for d in self.shape)}"


class FeatureDescriptions(collections.abc.Mapping):
    """Read-only {name: FeatureDescription}, in the model's order."""

    def __init__(self, features):
        self._features = {
            name: FeatureDescription(name, np.dtype(dtype), tuple(shape))
            for name, dtype, shape in features
        }

    def __getitem__(self, name):
        return self._features[name]

    def __iter__(self):
        return iter(self._features)

    def __len__(self):
        return len(self._features)

    def __repr__(self):
        return "\n".join(str(feature) for feature in self._features.values())


class Model:
    """A Core ML model (coremltools' MLModel counterpart). Predictions run on the CPU with
    ts2coreml's runtime, on any OS."""

    def __init__(self, core_model):
        self._core = core_model
        self.input_description = FeatureDescriptions(core_model.inputs())
        self.output_description = FeatureDescriptions(core_model.outputs())

    @property
    def convert_to(self):
        """"mlprogram" or "neuralnetwork"."""
        return self._core.format

    @property
    def warnings(self):
        """The converter's warnings (empty for a loaded model)."""
        return list(self._core.warnings)

    @property
    def spec(self):
        """The serialized CoreML.Specification.Model protobuf message (bytes)."""
        return self._core.spec_bytes()

    def save(self, path):
        """Writes the model to `path`: a .mlpackage for an ML Program, a .mlmodel for a neural
        network. An existing model there is replaced; a failure leaves nothing behind."""
        self._core.save(_path_argument(path, "save"))

    def summary(self):
        """Specification version, kind, inputs and outputs, op or layer counts, control flow."""
        return self._core.summary()

    def predict(self, data):
        """{input name: array} -> {output name: numpy array}. Arrays of another numeric dtype
        than the input's are cast."""
        if not isinstance(data, collections.abc.Mapping):
            raise ValueError(f"predict: expected a dict {{input name: array}}, got "
                             f"{type(data).__name__}")
        unknown = sorted(set(data) - set(self.input_description))
        if unknown:
            raise ValueError(f"predict: unknown input {unknown[0]!r} (the model's inputs: "
                             f"{', '.join(self.input_description)})")
        missing = [name for name in self.input_description if name not in data]
        if missing:
            raise ValueError(f"predict: missing input {missing[0]!r}")
        arrays = {name: np.asarray(value) for name, value in data.items()}
        return self._core.predict(arrays)

    def __repr__(self):
        inputs = ", ".join(str(f) for f in self.input_description.values())
        outputs = ", ".join(str(f) for f in self.output_description.values())
        return f"<ts2coreml.Model {self.convert_to} ({inputs}) -> ({outputs})>"


def _path_argument(path, what):
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{what}: path must be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


def load(path):
    """Opens a saved .mlpackage or .mlmodel."""
    return Model(_core.load(_path_argument(path, "load")))
