"""The one place where coremltools-style convert() arguments become the C++ core's options.

What the core's ConvertOptions cannot express yet raises NotImplementedError naming the
option; each such case is marked "NOT YET" so it is easy to find and wire up later.
"""
from ._types import EnumeratedShapes, ImageType, RangeDim, Shape, TensorType, precision, target

# Specification versions the core writes: neural networks at 4 (iOS13), ML Programs at 6 (iOS15).
_CORE_SPEC_VERSION = {"neuralnetwork": 4, "mlprogram": 6}
_FIRST_MLPROGRAM_SPEC = 6


def model_format(convert_to, minimum_deployment_target):
    """"mlprogram" or "neuralnetwork", chosen as coremltools does."""
    if minimum_deployment_target is not None:
        try:
            minimum_deployment_target = target(minimum_deployment_target)
        except ValueError:
            raise ValueError(f"minimum_deployment_target: unknown target "
                             f"{minimum_deployment_target!r} (use ts2coreml.target.iOS15, ...)")
    if convert_to is None:
        if (minimum_deployment_target is not None
                and minimum_deployment_target < _FIRST_MLPROGRAM_SPEC):
            convert_to = "neuralnetwork"
        else:
            convert_to = "mlprogram"
    if convert_to not in _CORE_SPEC_VERSION:
        raise ValueError(f"convert_to: unknown model format {convert_to!r} (use 'mlprogram' or "
                         "'neuralnetwork')")
    if minimum_deployment_target is not None:
        is_mlprogram_target = minimum_deployment_target >= _FIRST_MLPROGRAM_SPEC
        if convert_to == "mlprogram" and not is_mlprogram_target:
            raise ValueError(f"convert_to='mlprogram' needs minimum_deployment_target iOS15 or "
                             f"later, got {minimum_deployment_target.name}")
        if convert_to == "neuralnetwork" and is_mlprogram_target:
            raise ValueError(f"convert_to='neuralnetwork' needs minimum_deployment_target iOS14 "
                             f"or earlier, got {minimum_deployment_target.name}")
        if minimum_deployment_target != _CORE_SPEC_VERSION[convert_to]:
            # NOT YET: ConvertOptions has no specification version.
            raise NotImplementedError(
                f"minimum_deployment_target={minimum_deployment_target.name} is not supported yet "
                f"(a {convert_to} is written for "
                f"{target(_CORE_SPEC_VERSION[convert_to]).name})")
    return convert_to


def core_precision(compute_precision):
    """"float16", "float32" or None (the core's default: fp16 ML Program, fp32 network)."""
    if compute_precision is None:
        return None
    if isinstance(compute_precision, precision):
        return "float16" if compute_precision is precision.FLOAT16 else "float32"
    raise ValueError(f"compute_precision: expected ts2coreml.precision.FLOAT16 or FLOAT32, got "
                     f"{compute_precision!r}")


def _fixed_dims(shape, where):
    if shape is None:
        raise ValueError(f"{where}: shape is required (TorchScript archives do not record input "
                         "shapes)")
    if isinstance(shape, EnumeratedShapes):
        # NOT YET: ConvertOptions inputs have one fixed shape.
        raise NotImplementedError(f"{where}: flexible shapes (EnumeratedShapes) are not "
                                  "supported yet")
    assert isinstance(shape, Shape)
    if shape.has_flexible_dims():
        # NOT YET: ConvertOptions inputs have one fixed shape.
        raise NotImplementedError(f"{where}: flexible shapes (RangeDim) are not supported yet")
    return [int(dim) for dim in shape.shape]


def core_inputs(inputs):
    """[(name or None, [dims], dtype name)] for the core."""
    if inputs is None:
        raise ValueError("inputs: required for TorchScript models (a list of "
                         "ts2coreml.TensorType with the shape of each forward() input)")
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(f"inputs: expected a list of TensorType, got {type(inputs).__name__}")
    result = []
    for index, spec in enumerate(inputs):
        where = f"inputs[{index}]"
        if isinstance(spec, ImageType):
            # NOT YET: ConvertOptions has no image inputs.
            raise NotImplementedError(f"{where}: ImageType inputs are not supported yet")
        if not isinstance(spec, TensorType):
            raise ValueError(f"{where}: expected a ts2coreml.TensorType, got "
                             f"{type(spec).__name__}")
        if spec.default_value is not None:
            # NOT YET: ConvertOptions has no optional inputs.
            raise NotImplementedError(f"{where}: default_value is not supported yet")
        dims = _fixed_dims(spec.shape, where)
        dtype = "float32" if spec.dtype is None else spec.dtype.name
        result.append((spec.name, dims, dtype))
    return result


def check_outputs(outputs):
    """outputs=[TensorType(...)]: accepted only when it asks for nothing the core can't do."""
    if outputs is None:
        return
    if not isinstance(outputs, (list, tuple)):
        raise ValueError(f"outputs: expected a list of TensorType, got {type(outputs).__name__}")
    for index, spec in enumerate(outputs):
        where = f"outputs[{index}]"
        if isinstance(spec, ImageType):
            # NOT YET: ConvertOptions has no image outputs.
            raise NotImplementedError(f"{where}: ImageType outputs are not supported yet")
        if not isinstance(spec, TensorType):
            raise ValueError(f"{where}: expected a ts2coreml.TensorType, got "
                             f"{type(spec).__name__}")
        if spec.name is not None or spec.dtype is not None or spec.shape is not None:
            # NOT YET: ConvertOptions has no output names or dtypes ("output", "output_0", ...).
            raise NotImplementedError(f"{where}: naming outputs or setting their dtype or shape "
                                      "is not supported yet")
