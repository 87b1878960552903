"""Static folding: Python-level decisions that the declared input shapes, module attributes and
constants settle at conversion time, so the converted program holds no control flow for them.
`if` on string, Optional and Final attributes and on sizes; loops over constant ranges, list
literals, nn.ModuleList and enumerate() (unrolled); nn.ModuleDict and nn.Sequential; strings,
dict attributes and len(); literal forms (2., 1e-05, 1e10, inf, nan) and torch.tensor literals;
zeros/ones/full with sizes from the input; raise, assert, with and print; and TorchScript's types
and calls: NamedTuple, Enum, module interfaces, script classes, free script functions, keyword
and default arguments, overloads, annotate(), Optional and Union refined by `is None` or
isinstance.
"""
import enum
import math
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import torch
import torch.nn as nn

from corpus_entry import S, entry, normal


class ActivationSelect(nn.Module):
    """`if self.act == ...` on a string attribute: folds to one activation, no control flow."""

    def __init__(self, act: str):
        super().__init__()
        self.act = act

    def forward(self, x):
        if self.act == "relu":
            return torch.relu(x)
        elif self.act == "sigmoid":
            return torch.sigmoid(x)
        return torch.tanh(x)


@entry("activation_select", [("x", S)], {"any": normal(*S)})
def _():
    return ActivationSelect("sigmoid")


class OptionalBias(nn.Module):
    """`self.bias is None` on a module attribute, and an Optional argument left at None."""

    def __init__(self):
        super().__init__()
        self.bias: Optional[torch.Tensor] = None
        self.scale = nn.Parameter(torch.randn(4))

    def forward(self, x, hx: Optional[torch.Tensor] = None):
        y = x * self.scale
        if self.bias is not None:
            y = y + self.bias
        if hx is None:
            hx = y * 0.0
        return y + hx


@entry("none_checks", [("x", S)], {"any": normal(*S)})
def _():
    return OptionalBias()


class ShapeLogic(nn.Module):
    """Decisions on x.size(), x.shape, x.dim(): all static for declared input shapes."""

    def forward(self, x):
        if x.dim() == 3 and x.size(-1) == 4:
            y = x * float(x.shape[1])
        else:
            y = x
        n = x.size(0) * x.size(1)
        if n > 100:
            y = y - 1.0
        return y + x.numel()


@entry("shape_logic", [("x", S)], {"any": normal(*S)})
def _():
    return ShapeLogic()


class StaticLoops(nn.Module):
    """for over a constant range, over a list literal, and a while on an int: all unrolled."""

    def forward(self, x):
        for i in range(3):
            x = x + i
        for scale in [0.5, 2.0]:
            x = x * scale
        k = 0
        while k < 2:
            x = torch.tanh(x)
            k += 1
        return x


@entry("static_loops", [("x", S)], {"any": normal(*S)})
def _():
    return StaticLoops()


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c, c)

    def forward(self, x):
        return torch.relu(self.fc(x))


class ModuleListLoop(nn.Module):
    """Iterating an nn.ModuleList and enumerate(): unrolled into one op chain."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(4) for _ in range(3)])

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = block(x) + float(i)
        return x


@entry("modulelist_loop", [("x", S)], {"any": normal(*S)})
def _():
    return ModuleListLoop()


class ModuleDictSelect(nn.Module):
    """nn.ModuleDict indexed by a constant key, and nn.Sequential."""

    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleDict({"a": nn.Linear(4, 4), "b": nn.Linear(4, 2)})
        self.seq = nn.Sequential(nn.Linear(4, 4), nn.Tanh())

    def forward(self, x):
        return self.heads["b"](self.seq(x))


@entry("moduledict_sequential", [("x", S)], {"any": normal(*S)})
def _():
    return ModuleDictSelect()


class FinalConstants(nn.Module):
    """Final class constants, float literal forms (2., 1e-05, whole floats >= 1e10), inf."""

    eps: torch.jit.Final[float] = 1e-05
    big: torch.jit.Final[float] = 1e10

    def forward(self, x):
        y = x * 2. + self.eps
        y = y / (self.big / 1e10)
        z = y
        if self.big > math.inf or -math.inf > self.eps:
            z = z * 0.0
        return z + 1.0000000000000001e-05


@entry("final_and_literals", [("x", S)], {"any": normal(*S)})
def _():
    return FinalConstants()


class StringsAndDicts(nn.Module):
    """str methods, escaped strings, a Dict[str, float] attribute, len() of containers."""

    def __init__(self):
        super().__init__()
        self.weights: Dict[str, float] = {"first": 0.5, "second\t'q'": 2.0}
        self.names: List[str] = ["first", "second\t'q'"]

    def forward(self, x):
        total = 0.0
        for name in self.names:
            if name in self.weights and name.startswith("f"):
                total += self.weights[name]
        label = "a\"b\n" + str(len(self.names))
        if len(label) == 6:
            total += 1.0
        return x * total


@entry("strings_and_dicts", [("x", S)], {"any": normal(*S)})
def _():
    return StringsAndDicts()


class Point(NamedTuple):
    a: torch.Tensor
    b: torch.Tensor


class NamedTupleOut(nn.Module):
    """A NamedTuple built and unpacked inside forward, and a tuple output."""

    def pair(self, x) -> Point:
        return Point(x + 1.0, x * 2.0)

    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor]:
        p = self.pair(x)
        a, b, = p.a, p.b
        return a, b - p[0]


@entry("namedtuple_tuple_output", [("x", S)], {"any": normal(*S)})
def _():
    return NamedTupleOut()


class Mode(enum.Enum):
    FAST = 1
    SLOW = 2


class EnumSelect(nn.Module):
    """An Enum-typed attribute compared with Enum members (printed as
    `__torch__.corpus_static_folding.Mode.SLOW`), and its `.value`: static."""

    def __init__(self):
        super().__init__()
        self.mode = Mode.SLOW

    def forward(self, x):
        if self.mode == Mode.FAST:
            return x
        return x * float(self.mode.value)


@entry("enum_select", [("x", S)], {"any": normal(*S)})
def _():
    return EnumSelect()


@torch.jit.interface
class ScalerInterface(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Doubler(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2.0


class InterfaceCall(nn.Module):
    """A submodule typed by a module interface: the call goes through the interface."""

    scaler: ScalerInterface

    def __init__(self):
        super().__init__()
        self.scaler = Doubler()

    def forward(self, x):
        return self.scaler.forward(x) + 1.0


@entry("interface_call", [("x", S)], {"any": normal(*S)})
def _():
    return InterfaceCall()


@torch.jit.script
class Accumulator:
    def __init__(self, scale: float):
        self.scale = scale
        self.count = 0

    def add(self, x: torch.Tensor) -> torch.Tensor:
        self.count += 1
        return x * self.scale + float(self.count)


class ScriptClassUse(nn.Module):
    """A plain script class constructed in forward, with mutable int state."""

    def forward(self, x):
        acc = Accumulator(0.5)
        y = acc.add(x)
        return acc.add(y)


@entry("script_class", [("x", S)], {"any": normal(*S)})
def _():
    return ScriptClassUse()


@torch.jit.script
def scaled_softsign(x: torch.Tensor, scale: float = 2.0) -> torch.Tensor:
    return x * scale / (torch.abs(x) + 1.0)


class FreeFunctionCall(nn.Module):
    """Free script functions with default and keyword arguments."""

    def forward(self, x):
        return scaled_softsign(x) + scaled_softsign(x, scale=0.5)


@entry("free_functions", [("x", S)], {"any": normal(*S)})
def _():
    return FreeFunctionCall()


class IsinstanceAndAnnotate(nn.Module):
    """isinstance on a refined Optional, annotate() of empty containers, unchecked_cast."""

    def __init__(self):
        super().__init__()
        self.offset: Optional[float] = 1.5

    def forward(self, x):
        extra = torch.jit.annotate(List[float], [])
        offset = self.offset
        if offset is not None:
            extra.append(offset)
        if isinstance(x, torch.Tensor):
            x = x + extra[0]
        return x


@entry("isinstance_annotate", [("x", S)], {"any": normal(*S)})
def _():
    return IsinstanceAndAnnotate()


class ChecksAndWith(nn.Module):
    """A statically false RaiseException (pruned), a data-dependent assert (dropped with a
    warning), a with block, and print()."""

    def forward(self, x):
        if x.dim() != 3:
            raise ValueError("expected a 3-d input")
        assert bool(x.abs().sum() >= 0.0), "sum of abs is negative"
        with torch.no_grad():
            y = x * 2.0
        print("ran checks")
        return y


@entry("checks_with_print", [("x", S)], {"any": normal(*S)})
def _():
    return ChecksAndWith()


class ConstantsTable(nn.Module):
    """A tensor literal in scripted code: torch.tensor([...]) folds to a constant."""

    def forward(self, x):
        return x * torch.tensor([1.0, -2.0, 0.5, 4.0])


@entry("tensor_literal", [("x", S)], {"any": normal(*S)})
def _():
    return ConstantsTable()


class KeywordsAndDefaults(nn.Module):
    """Methods called with keywords and defaults, and tuple returns with trailing commas."""

    def helper(self, x, scale: float = 1.0, shift: float = 0.0) -> Tuple[torch.Tensor]:
        return (x * scale + shift,)

    def forward(self, x):
        y, = self.helper(x, shift=1.0)
        z, = self.helper(y, 3.0, shift=-0.5)
        return z


@entry("keywords_defaults", [("x", S)], {"any": normal(*S)})
def _():
    return KeywordsAndDefaults()


class Overloads(nn.Module):
    """The same helper used with int and float arguments (specialised per call)."""

    def scale(self, x, k: int):
        return x * k

    def forward(self, x):
        return self.scale(x, 2) + self.scale(x, -1)


@entry("int_float_mixing", [("x", S)], {"any": normal(*S)})
def _():
    return Overloads()


class OptionalRefinement(nn.Module):
    """A method returning Optional[Tensor]; the caller refines it with `is not None`."""

    def __init__(self):
        super().__init__()
        self.use_gate = True

    def gate(self, x) -> Optional[torch.Tensor]:
        if self.use_gate:
            return torch.sigmoid(x)
        return None

    def forward(self, x):
        g = self.gate(x)
        if g is not None:
            return x * g
        return x


@entry("optional_refinement", [("x", S)], {"any": normal(*S)})
def _():
    return OptionalRefinement()


class CreationOps(nn.Module):
    """zeros/ones/full and their _like forms, with shapes from the input (folded)."""

    def forward(self, x):
        base = torch.zeros([x.size(0), x.size(1), x.size(2)]) + torch.ones_like(x) * 2.0
        filled = torch.full([x.size(0), 1, x.size(2)], 0.5) + torch.zeros_like(x)
        count = torch.full_like(x, 3, dtype=torch.int32)
        return base * x + filled - count.float()


@entry("creation_ops", [("x", S)], {"any": normal(*S)})
def _():
    return CreationOps()


class LiteralsAndOverloads(nn.Module):
    """Literals printed as `-inf`, `nan` and `10000000000` (a whole float >= 1e10 has no dot),
    an Optional attribute refined by isinstance (printed as unchecked_cast), and methods
    overloaded for int and float (printed as f__0 and f__1)."""

    def __init__(self):
        super().__init__()
        self.scale: Optional[torch.Tensor] = torch.full([4], 2.0)

    @torch.jit._overload_method  # noqa: F811
    def f(self, x: int) -> int:
        pass

    @torch.jit._overload_method  # noqa: F811
    def f(self, x: float) -> float:
        pass

    def f(self, x):  # noqa: F811
        return x * 2

    def forward(self, x):
        s = self.scale
        if isinstance(s, torch.Tensor):
            x = x * s
        finite = torch.gt(x, float("-inf")).float() * torch.ne(x, float("nan")).float()
        y = x * finite + torch.div(x, 1e10) * 1e10
        return y * self.f(2) + self.f(1.5)


@entry("literals_and_overloads", [("x", S)], {"any": normal(*S)})
def _():
    return LiteralsAndOverloads()


class UnionArgument(nn.Module):
    """A helper taking Union[Tensor, float], refined with isinstance (kept in the printed code)."""

    def scale(self, x: torch.Tensor, by: Union[torch.Tensor, float]) -> torch.Tensor:
        if isinstance(by, float):
            return x * by
        return x * by.mean()

    def forward(self, x):
        return self.scale(x, 0.5) + self.scale(x, x)


@entry("union_isinstance", [("x", S)], {"any": normal(*S)})
def _():
    return UnionArgument()
