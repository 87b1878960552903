"""ts2coreml: TorchScript -> Core ML conversion with coremltools' Python API, on a C++ core.

    import ts2coreml as ct
    mlmodel = ct.convert(torch.jit.script(model), inputs=[ct.TensorType(shape=(1, 3, 64, 64))])
    mlmodel.save("model.mlpackage")
    outputs = mlmodel.predict({"x": array})

torch is imported only by the caller: this package never imports it.
"""
from ._convert import convert
from ._core import DEFAULT_MAX_LOOP_ITERATIONS, __version__
from ._model import FeatureDescription, Model, load
from ._types import (ColorLayout, EnumeratedShapes, ImageType, RangeDim, Shape, TensorType,
                     precision, target)

__all__ = [
    "convert", "load", "Model", "FeatureDescription", "TensorType", "ImageType", "RangeDim",
    "Shape", "EnumeratedShapes", "ColorLayout", "precision", "target", "__version__",
    "DEFAULT_MAX_LOOP_ITERATIONS",
]
