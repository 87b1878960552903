"""Model: a converted or loaded Core ML model, run by ts2coreml's reference runtime."""
import collections.abc
import os
from typing import NamedTuple, Tuple

import numpy as np

from . import _core


class FeatureDescription(NamedTuple):
    """One model input or output as the model file declares it (-1 for an unknown dim). An image
    input has a color_layout ("RGB", "BGR", "GRAYSCALE") and takes height x width (x 3) pixels."""

    name: str
    dtype: np.dtype
    shape: Tuple[int, ...]
    color_layout: str = ""
    description: str = ""

    def __str__(self):
        return f"{self.name}: {self.dtype.name} {'x'.join(str(d) for d in self.shape)}"


class FeatureDescriptions(collections.abc.Mapping):
    """{name: FeatureDescription}, in the model's order. As in coremltools, assigning a string
    sets the feature's description in the model: `model.input_description["x"] = "pixels"`."""

    def __init__(self, model, features):
        self._model = model
        self._features = {
            name: FeatureDescription(name, np.dtype(dtype), tuple(shape), color_layout)
            for name, dtype, shape, color_layout in features
        }

    def __getitem__(self, name):
        feature = self._features[name]
        return feature._replace(description=self._model._stored()["features"].get(name, ""))

    def __setitem__(self, name, text):
        if name not in self._features:
            raise KeyError(f"the model has no feature named {name!r}")
        if not isinstance(text, str):
            raise ValueError(f"the description of {name!r} must be a str")
        self._model._update(features={name: text})

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
        self.input_description = FeatureDescriptions(self, core_model.inputs())
        self.output_description = FeatureDescriptions(self, core_model.outputs())

    # Metadata, as coremltools' MLModel: reading and assigning write through to the model file.
    def _stored(self):
        return self._core.metadata()

    def _update(self, features=None, **fields):
        values = self._stored()
        values.update(fields)
        values["features"] = features or {}
        self._core.update_description(values)

    author = property(lambda self: self._stored()["author"],
                      lambda self, text: self._update(author=_text(text, "author")))
    license = property(lambda self: self._stored()["license"],
                       lambda self, text: self._update(license=_text(text, "license")))
    short_description = property(
        lambda self: self._stored()["short_description"],
        lambda self, text: self._update(short_description=_text(text, "short_description")))
    version = property(lambda self: self._stored()["version"],
                       lambda self, text: self._update(version=_text(text, "version")))

    @property
    def user_defined_metadata(self):
        """{key: value} of the model's user-defined metadata; assignments are written back."""
        return _UserDefined(self)

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

    def predict(self, data, max_loop_iterations=None):
        """{input name: array} -> {output name: numpy array}. Arrays of another numeric dtype
        than the input's are cast. A loop of the model (while_loop op, loop layer) that runs
        more than `max_loop_iterations` iterations stops the prediction with RuntimeError naming
        it, as `ts2coreml run --max-loop-iterations N` does; the default is the runtime's,
        DEFAULT_MAX_LOOP_ITERATIONS (1,000,000), which guards against corrupted models that
        never end."""
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
        if max_loop_iterations is not None and (
                isinstance(max_loop_iterations, bool) or not isinstance(max_loop_iterations, int)
                or not 1 <= max_loop_iterations < 2**64):
            raise ValueError(f"predict: max_loop_iterations must be a positive int, got "
                             f"{max_loop_iterations!r}")
        arrays = {name: np.asarray(value) for name, value in data.items()}
        return self._core.predict(arrays, max_loop_iterations)

    def __repr__(self):
        inputs = ", ".join(str(f) for f in self.input_description.values())
        outputs = ", ".join(str(f) for f in self.output_description.values())
        return f"<ts2coreml.Model {self.convert_to} ({inputs}) -> ({outputs})>"


def _text(value, what):
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a str, got {type(value).__name__}")
    return value


class _UserDefined(collections.abc.MutableMapping):
    def __init__(self, model):
        self._model = model

    def _entries(self):
        return self._model._stored()["user_defined"]

    def __getitem__(self, key):
        return self._entries()[key]

    def __setitem__(self, key, value):
        entries = self._entries()
        entries[_text(key, "metadata key")] = _text(value, f"metadata {key!r}")
        self._model._update(user_defined=entries)

    def __delitem__(self, key):
        entries = self._entries()
        del entries[key]
        self._model._update(user_defined=entries)

    def __iter__(self):
        return iter(self._entries())

    def __len__(self):
        return len(self._entries())

    def __repr__(self):
        return repr(self._entries())


def _path_argument(path, what):
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{what}: path must be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


def load(path):
    """Opens a saved .mlpackage or .mlmodel."""
    return Model(_core.load(_path_argument(path, "load")))
