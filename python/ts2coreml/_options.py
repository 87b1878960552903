"""The one place where coremltools-style convert() arguments become the C++ core's options (a
dict read by src/python/convert_options.cc)."""
import numbers

from ._types import (ColorLayout, EnumeratedShapes, ImageType, RangeDim, Shape, TensorType,
                     precision, target)

_FIRST_MLPROGRAM_SPEC = 6
_LAST_SUPPORTED_SPEC = 9  # iOS18
_OUTPUT_DTYPES = ("float32", "float16", "int32")


def deployment_target(minimum_deployment_target):
    """The target enum member or None; ValueError for an unknown or unsupported one."""
    if minimum_deployment_target is None:
        return None
    try:
        value = target(minimum_deployment_target)
    except ValueError:
        raise ValueError(f"minimum_deployment_target: unknown target "
                         f"{minimum_deployment_target!r} (use ts2coreml.target.iOS15, ...)")
    if value > _LAST_SUPPORTED_SPEC:
        raise ValueError(f"minimum_deployment_target: {value.name} is not supported (iOS13 to "
                         "iOS18)")
    return value


def model_format(convert_to, minimum_deployment_target):
    """"mlprogram" or "neuralnetwork", chosen as coremltools does."""
    chosen = deployment_target(minimum_deployment_target)
    if convert_to is None:
        convert_to = ("neuralnetwork" if chosen is not None and chosen < _FIRST_MLPROGRAM_SPEC
                      else "mlprogram")
    if convert_to not in ("mlprogram", "neuralnetwork"):
        raise ValueError(f"convert_to: unknown model format {convert_to!r} (use 'mlprogram' or "
                         "'neuralnetwork')")
    if chosen is not None:
        is_mlprogram_target = chosen >= _FIRST_MLPROGRAM_SPEC
        if convert_to == "mlprogram" and not is_mlprogram_target:
            raise ValueError(f"convert_to='mlprogram' needs minimum_deployment_target iOS15 or "
                             f"later, got {chosen.name}")
        if convert_to == "neuralnetwork" and is_mlprogram_target:
            raise ValueError(f"convert_to='neuralnetwork' needs minimum_deployment_target iOS14 "
                             f"or earlier, got {chosen.name}")
    return convert_to


def core_precision(compute_precision):
    """"float16", "float32" or None (the core's default: fp16 ML Program, fp32 network)."""
    if compute_precision is None:
        return None
    if isinstance(compute_precision, precision):
        return "float16" if compute_precision is precision.FLOAT16 else "float32"
    raise ValueError(f"compute_precision: expected ts2coreml.precision.FLOAT16 or FLOAT32, got "
                     f"{compute_precision!r}")


def _shape_entry(shape, where):
    """{shape, ranges, enumerated} of one input shape."""
    if shape is None:
        raise ValueError(f"{where}: shape is required (TorchScript archives do not record input "
                         "shapes)")
    if isinstance(shape, EnumeratedShapes):
        default = [int(d) for d in shape.default]
        shapes = [[int(d) for d in s.shape] for s in shape.shapes]
        if default not in shapes:
            raise ValueError(f"{where}: the default shape {tuple(default)} is not one of the "
                             "enumerated shapes")
        return {"shape": default, "ranges": None, "enumerated": shapes}
    assert isinstance(shape, Shape)
    if not shape.has_flexible_dims():
        return {"shape": [int(d) for d in shape.shape], "ranges": None, "enumerated": None}
    dims, ranges = [], []
    for dim in shape.shape:
        if isinstance(dim, RangeDim):
            dims.append(dim.default)
            ranges.append((dim.lower_bound, dim.upper_bound))
        else:
            dims.append(int(dim))
            ranges.append((int(dim), int(dim)))
    return {"shape": dims, "ranges": ranges, "enumerated": None}


def _image_entry(spec, where):
    if spec.color_layout is ColorLayout.GRAYSCALE_FLOAT16:
        raise ValueError(f"{where}: color_layout GRAYSCALE_FLOAT16 is not supported (use "
                         "GRAYSCALE)")
    if spec.channel_first is False:
        raise ValueError(f"{where}: channel_first=False is not supported (image inputs are "
                         "1 x C x H x W)")
    if not isinstance(spec.scale, numbers.Real):
        raise ValueError(f"{where}: scale must be a number, got {spec.scale!r}")
    bias = spec.bias
    if bias is None:
        bias = []
    elif isinstance(bias, numbers.Real):
        bias = [float(bias)]
    elif isinstance(bias, (list, tuple)) and all(isinstance(b, numbers.Real) for b in bias):
        bias = [float(b) for b in bias]
    else:
        raise ValueError(f"{where}: bias must be a number or a list of numbers, got {bias!r}")
    return {"layout": spec.color_layout.value, "scale": float(spec.scale), "bias": bias}


def core_inputs(inputs):
    """One dict per input for the core."""
    if inputs is None:
        raise ValueError("inputs: required for TorchScript models (a list of "
                         "ts2coreml.TensorType with the shape of each forward() input)")
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(f"inputs: expected a list of TensorType, got {type(inputs).__name__}")
    result = []
    for index, spec in enumerate(inputs):
        where = f"inputs[{index}]"
        if not isinstance(spec, (TensorType, ImageType)):
            raise ValueError(f"{where}: expected a ts2coreml.TensorType or ImageType, got "
                             f"{type(spec).__name__}")
        entry = {"name": spec.name, **_shape_entry(spec.shape, where), "image": None}
        if isinstance(spec, ImageType):
            entry["dtype"] = "float32"
            entry["image"] = _image_entry(spec, where)
        else:
            if spec.default_value is not None:
                raise NotImplementedError(f"{where}: default_value (optional inputs) is not "
                                          "supported")
            entry["dtype"] = "float32" if spec.dtype is None else spec.dtype.name
        result.append(entry)
    return result


def core_outputs(outputs):
    """One dict {name, dtype} per output named or typed by the user."""
    if outputs is None:
        return []
    if not isinstance(outputs, (list, tuple)):
        raise ValueError(f"outputs: expected a list of TensorType, got {type(outputs).__name__}")
    result = []
    for index, spec in enumerate(outputs):
        where = f"outputs[{index}]"
        if isinstance(spec, ImageType):
            raise NotImplementedError(f"{where}: ImageType outputs are not supported")
        if not isinstance(spec, TensorType):
            raise ValueError(f"{where}: expected a ts2coreml.TensorType, got "
                             f"{type(spec).__name__}")
        if spec.shape is not None:
            raise ValueError(f"{where}: output shapes are inferred; give only name and dtype")
        dtype = None if spec.dtype is None else spec.dtype.name
        if dtype is not None and dtype not in _OUTPUT_DTYPES:
            raise ValueError(f"{where}: outputs can be {', '.join(_OUTPUT_DTYPES)}, not {dtype}")
        result.append({"name": spec.name, "dtype": dtype})
    return result


def core_constants(constants):
    """[(parameter name, value)] of the forward() parameters fixed at conversion."""
    if constants is None:
        return []
    if not isinstance(constants, dict):
        raise ValueError(f"constants: expected a dict {{parameter name: value}}, got "
                         f"{type(constants).__name__}")
    result = []
    for name, value in constants.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"constants: {name!r} is not a parameter name")
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise ValueError(f"constants[{name!r}]: expected None, a bool, int, float or str, got "
                             f"{type(value).__name__}")
        if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
            raise ValueError(f"constants[{name!r}]: {value} does not fit in 64 bits")
        result.append((name, value))
    return result


def core_method(method):
    if method is None:
        return None
    if not isinstance(method, str) or not method.isidentifier():
        raise ValueError(f"method: expected a method name, got {method!r}")
    return method


def core_options(inputs, outputs, convert_to, minimum_deployment_target, compute_precision,
                 fp32_ops, source_torch_version, constants=None, method=None):
    chosen = deployment_target(minimum_deployment_target)
    if fp32_ops is None:
        fp32_ops = []
    if isinstance(fp32_ops, str) or not all(isinstance(op, str) for op in fp32_ops):
        raise ValueError("fp32_ops: expected a list of MIL op type names, e.g. ['softmax']")
    return {
        "format": model_format(convert_to, minimum_deployment_target),
        "precision": core_precision(compute_precision),
        "target": None if chosen is None else f"iOS{int(chosen) + 9}",
        "inputs": core_inputs(inputs),
        "constants": core_constants(constants),
        "method": core_method(method),
        "outputs": core_outputs(outputs),
        "fp32_ops": list(fp32_ops),
        "source_torch_version": source_torch_version or "",
    }
