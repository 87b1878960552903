"""Input and output descriptions with coremltools' names and meanings (ct.TensorType, ...).

These classes only hold and validate what the user wrote; _options.py turns them into the
arguments of the C++ core.
"""
import enum

import numpy as np

# The input dtypes the converter declares (the CLI's --input DTYPE set).
SUPPORTED_INPUT_DTYPES = ("float32", "float16", "int32", "int64", "bool")


class target(enum.IntEnum):
    """Minimum deployment targets; the value is the Core ML specification version."""

    iOS13 = 4
    macOS10_15 = 4
    watchOS6 = 4
    tvOS13 = 4
    iOS14 = 5
    macOS10_16 = 5
    macOS11 = 5
    watchOS7 = 5
    tvOS14 = 5
    iOS15 = 6
    macOS12 = 6
    watchOS8 = 6
    tvOS15 = 6
    iOS16 = 7
    macOS13 = 7
    watchOS9 = 7
    tvOS16 = 7
    iOS17 = 8
    macOS14 = 8
    watchOS10 = 8
    tvOS17 = 8
    iOS18 = 9
    macOS15 = 9
    watchOS11 = 9
    tvOS18 = 9
    iOS26 = 10
    macOS26 = 10
    watchOS26 = 10
    tvOS26 = 10


class precision(enum.Enum):
    """compute_precision values, as ct.precision."""

    FLOAT16 = "fp16"
    FLOAT32 = "fp32"


class ColorLayout(enum.Enum):
    RGB = "RGB"
    BGR = "BGR"
    GRAYSCALE = "G"
    GRAYSCALE_FLOAT16 = "G_FLOAT16"


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class RangeDim:
    """A dimension that may take any size in [lower_bound, upper_bound] (-1: unbounded)."""

    def __init__(self, lower_bound=1, upper_bound=-1, default=None, symbol=None):
        if not _is_int(lower_bound) or not _is_int(upper_bound):
            raise ValueError("RangeDim: lower_bound and upper_bound must be integers")
        if lower_bound < 1:
            raise ValueError(f"RangeDim: lower_bound must be >= 1, got {lower_bound}")
        if upper_bound != -1 and upper_bound < lower_bound:
            raise ValueError(f"RangeDim: upper_bound {upper_bound} is below lower_bound "
                             f"{lower_bound}")
        if default is None:
            default = lower_bound
        if not _is_int(default) or default < lower_bound or (
                upper_bound != -1 and default > upper_bound):
            raise ValueError(f"RangeDim: default {default} is outside "
                             f"[{lower_bound}, {upper_bound}]")
        self.lower_bound = int(lower_bound)
        self.upper_bound = int(upper_bound)
        self.default = int(default)
        self.symbol = symbol

    def __repr__(self):
        return (f"RangeDim(lower_bound={self.lower_bound}, upper_bound={self.upper_bound}, "
                f"default={self.default})")


def _check_dims(dims, what):
    if isinstance(dims, (str, bytes)) or not isinstance(dims, (tuple, list)):
        raise ValueError(f"{what}: shape must be a tuple or list of ints/RangeDim, got "
                         f"{type(dims).__name__} {dims!r}")
    for dim in dims:
        if isinstance(dim, RangeDim):
            continue
        if not _is_int(dim) or dim < 1:
            raise ValueError(f"{what}: shape {tuple(dims)!r} has {dim!r}, which is not a "
                             "positive integer or RangeDim")
    return tuple(int(d) if _is_int(d) else d for d in dims)


class Shape:
    """A shape whose dimensions are ints or RangeDim (ct.Shape)."""

    def __init__(self, shape, default=None):
        self.shape = _check_dims(shape, "Shape")
        self.default = default

    def has_flexible_dims(self):
        return any(isinstance(dim, RangeDim) for dim in self.shape)

    def __repr__(self):
        return f"Shape({self.shape!r})"


class EnumeratedShapes:
    """A list of fixed shapes the input may take (ct.EnumeratedShapes)."""

    def __init__(self, shapes, default=None):
        if not isinstance(shapes, (list, tuple)) or len(shapes) < 2:
            raise ValueError("EnumeratedShapes: give a list of at least two shapes")
        self.shapes = [Shape(s.shape if isinstance(s, Shape) else s) for s in shapes]
        self.default = default if default is not None else self.shapes[0].shape

    def __repr__(self):
        return f"EnumeratedShapes({[s.shape for s in self.shapes]!r})"


def _normalize_shape(shape, what):
    if shape is None or isinstance(shape, (Shape, EnumeratedShapes)):
        return shape
    return Shape(_check_dims(shape, what))


def dtype_name(dtype, what):
    """numpy's name of `dtype` ("float32", ...); ValueError for what no input can have."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in SUPPORTED_INPUT_DTYPES:
        raise ValueError(f"{what}: unknown dtype {dtype!r} (use one of "
                         f"{', '.join(SUPPORTED_INPUT_DTYPES)})")
    return name


class _InputType:
    def __init__(self, name, shape):
        if name is not None and not isinstance(name, str):
            raise ValueError(f"{type(self).__name__}: name must be a str, got {name!r}")
        self.name = name
        self.shape = _normalize_shape(shape, type(self).__name__)


class TensorType(_InputType):
    """A multi-array input or output (ct.TensorType). dtype defaults to float32."""

    def __init__(self, name=None, shape=None, dtype=None, default_value=None):
        super().__init__(name, shape)
        self.dtype = None if dtype is None else np.dtype(dtype_name(dtype, "TensorType"))
        self.default_value = default_value

    def __repr__(self):
        return f"TensorType(name={self.name!r}, shape={self.shape!r}, dtype={self.dtype})"


class ImageType(_InputType):
    """An image input (ct.ImageType)."""

    def __init__(self, name=None, shape=None, scale=1.0, bias=None, color_layout=ColorLayout.RGB,
                 channel_first=None):
        super().__init__(name, shape)
        self.scale = scale
        self.bias = bias
        self.color_layout = ColorLayout(color_layout)
        self.channel_first = channel_first

    def __repr__(self):
        return f"ImageType(name={self.name!r}, shape={self.shape!r})"
