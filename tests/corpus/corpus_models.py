"""The TorchScript corpus: small models written for ts2coreml, one per construct that real models
print (see issue 3). Importable by torch 1.13 and torch 2.13 alike: the fixture generator runs it
under both, the end-to-end test (tests/e2e/test_corpus.py) converts and checks every entry.

Each entry says how the module is turned into TorchScript (script, trace, mixed, freeze), its
inputs (name, shape) and named input cases. The cases are chosen so that, together, they take
every branch and every loop path of the model; the comment on each entry says which case takes
which path.
"""
import enum
import math
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from corpus_entry import ENTRIES, S, entry, negative, normal, positive, signed_cases  # noqa: F401

# --- static folding -----------------------------------------------------------------------------


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
    `__torch__.corpus_models.Mode.SLOW`), and its `.value`: static."""

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


class InPlaceOps(nn.Module):
    """add_/mul_ on intermediate tensors become values."""

    def forward(self, x):
        y = x * 1.0
        y.add_(2.0)
        y.mul_(x)
        y.relu_()
        return y


@entry("inplace_ops", [("x", S)], {"any": normal(*S)})
def _():
    return InPlaceOps()


class Overloads(nn.Module):
    """The same helper used with int and float arguments (specialised per call)."""

    def scale(self, x, k: int):
        return x * k

    def forward(self, x):
        return self.scale(x, 2) + self.scale(x, -1)


@entry("int_float_mixing", [("x", S)], {"any": normal(*S)})
def _():
    return Overloads()


# --- data-dependent control flow ----------------------------------------------------------------


class MeanBranch(nn.Module):
    """if on a tensor value: "neg" takes the then-branch, "pos" the else-branch."""

    def forward(self, x):
        if x.mean() < 0:
            y = torch.relu(x) + 1.0
        else:
            y = torch.sigmoid(x) * 3.0
        return y


@entry("if_on_mean", [("x", S)], signed_cases(*S))
def _():
    return MeanBranch()


class ElifChain(nn.Module):
    """if/elif/else on a tensor: "neg" (s < -1), "small" (|s| <= 1), "pos" (s > 1)."""

    def forward(self, x):
        s = x.sum()
        if s < -1.0:
            return x * 2.0
        elif s > 1.0:
            return x - 1.0
        else:
            return torch.tanh(x)


@entry("elif_chain_early_return", [("x", S)],
       {"neg": negative(*S), "pos": positive(*S), "small": lambda rng: [rng.standard_normal(S) * 0.01]})
def _():
    return ElifChain()


class NestedIf(nn.Module):
    """Nested data-dependent ifs on two inputs: cases cover all four combinations."""

    def forward(self, x, y):
        if x.mean() > 0:
            if y.mean() > 0:
                z = x + y
            else:
                z = x - y
        else:
            if y.mean() > 0:
                z = x * y
            else:
                z = -x
        return z


def _two(sx, sy):
    return lambda rng: [sx * (np.abs(rng.standard_normal(S)) + 0.5),
                        sy * (np.abs(rng.standard_normal(S)) + 0.5)]


@entry("nested_if_two_inputs", [("x", S), ("y", S)],
       {"pp": _two(1, 1), "pn": _two(1, -1), "np": _two(-1, 1), "nn": _two(-1, -1)})
def _():
    return NestedIf()


class WhileTensorCond(nn.Module):
    """while on a tensor condition: iterations depend on the input ("small" loops many times,
    "large" not at all)."""

    def forward(self, x):
        while x.abs().max() < 10.0:
            x = x * 2.0
        return x


@entry("while_tensor_condition", [("x", S)],
       {"small": lambda rng: [rng.standard_normal(S) * 0.1], "large": lambda rng: [rng.standard_normal(S) * 0.0 + 20.0]})
def _():
    return WhileTensorCond()


class LoopCarried(nn.Module):
    """A while loop carrying an int counter and a tensor; the count is returned as a tensor."""

    def forward(self, x):
        steps = 0
        while bool(x.sum() > 1.0) and steps < 6:
            x = x * 0.5
            steps += 1
        return x + float(steps)


@entry("loop_carried_int", [("x", S)],
       {"pos": positive(*S), "neg": negative(*S), "huge": lambda rng: [np.full(S, 100.0)]})
def _():
    return LoopCarried()


class BreakContinue(nn.Module):
    """break and continue with tensor conditions inside a for loop over a constant range that is
    long enough not to be unrolled ("pos" breaks early, "neg" never breaks)."""

    def forward(self, x):
        acc = x * 0.0
        for i in range(100):
            if bool(acc.sum() > 50.0):
                break
            if i % 2 == 1:
                continue
            acc = acc + x
        return acc


@entry("break_continue", [("x", S)], signed_cases(*S))
def _():
    return BreakContinue()


class DynamicTripCount(nn.Module):
    """for over range(n) with n computed from the data ("pos" gives n = 3, "neg" n = 0)."""

    def forward(self, x):
        n = int((x.mean() > 0).int().item()) * 3
        for _ in range(n):
            x = torch.tanh(x) + 1.0
        return x


@entry("dynamic_trip_count", [("x", S)], signed_cases(*S))
def _():
    return DynamicTripCount()


class LoopIndexUse(nn.Module):
    """The loop index used as a number inside a data-dependent loop."""

    def forward(self, x):
        k = int((x.mean() > 0).int().item()) + 2
        y = x * 0.0
        for i in range(k):
            y = y + x * float(i)
        return y


@entry("loop_index_value", [("x", S)], signed_cases(*S))
def _():
    return LoopIndexUse()


class NestedDynamicLoops(nn.Module):
    """Nested loops whose inner bound is the outer index; the outer bound depends on the data."""

    def forward(self, x):
        n = int((x.mean() > 0).int().item()) * 2 + 2
        y = x * 0.0
        for i in range(n):
            for j in range(i):
                y = y + x * 0.1
        return y


@entry("nested_loops_inner_bound", [("x", S)], signed_cases(*S))
def _():
    return NestedDynamicLoops()


class IfInsideLoop(nn.Module):
    """A data-dependent if inside a data-dependent while."""

    def forward(self, x):
        i = 0
        while i < 4:
            if x.mean() > 0:
                x = x - 0.75
            else:
                x = x + 0.5
            i += 1
        return x


@entry("if_inside_loop", [("x", S)], signed_cases(*S))
def _():
    return IfInsideLoop()


class ConvBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return torch.relu(self.conv(x))


class ControlFlowConv(nn.Module):
    """The documentation's ControlFlowNet shape: conv+relu twice for a negative mean, once else."""

    def __init__(self):
        super().__init__()
        self.block = ConvBlock()

    def forward(self, x):
        if x.mean() < 0:
            x = self.block(x)
        return self.block(x)


C = (1, 3, 8, 8)


@entry("controlflow_conv", [("x", C)], signed_cases(*C))
def _():
    return ControlFlowConv()


class BranchDifferentValues(nn.Module):
    """Branches that assign different sets of variables and return a tuple."""

    def forward(self, x):
        a = x
        b = x * 0.0
        if x.sum() > 0:
            a = x * 2.0
        else:
            b = x + 3.0
        return a, b


@entry("branch_tuple_outputs", [("x", S)], signed_cases(*S))
def _():
    return BranchDifferentValues()


class ScalarFromTensor(nn.Module):
    """Python scalars taken from tensors (float(), item()) drive arithmetic."""

    def forward(self, x):
        m = float(x.mean())
        s = x.sum().item()
        return x * m + s


@entry("scalars_from_tensors", [("x", S)], signed_cases(*S))
def _():
    return ScalarFromTensor()


# --- tracing, mixing, freezing --------------------------------------------------------------------


class TracedMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


@entry("traced_mlp", [("x", S)], {"any": normal(*S)}, how="trace")
def _():
    return TracedMLP()


class TracedUnrolledLoop(nn.Module):
    """Tracing bakes the loop in: the archive holds three copies."""

    def forward(self, x):
        for _ in range(3):
            x = torch.sigmoid(x) * 2.0
        return x


@entry("traced_unrolled_loop", [("x", S)], {"any": normal(*S)}, how="trace")
def _():
    return TracedUnrolledLoop()


class MixedTracedBody(nn.Module):
    """A scripted loop around a traced body (the documentation's ControlFlowNet2)."""

    def __init__(self):
        super().__init__()
        self.body = torch.jit.trace(ConvBlock().eval(), torch.randn(C))

    def forward(self, x):
        n = 1
        if x.mean() < 0:
            n = 2
        for _ in range(n):
            x = self.body(x)
        return x


@entry("mixed_traced_body", [("x", C)], signed_cases(*C), how="mixed")
def _():
    return MixedTracedBody()


@entry("frozen_controlflow", [("x", C)], signed_cases(*C), how="freeze")
def _():
    return ControlFlowConv()


class FrozenLinearChain(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


@entry("frozen_linear_chain", [("x", S)], {"any": normal(*S)}, how="freeze")
def _():
    return FrozenLinearChain()


# --- containers ---------------------------------------------------------------------------------


class ListAppendInIf(nn.Module):
    """append() on both paths of a data-dependent if: the list has the same length on both paths,
    its last item depends on the data ("pos" appends x * 2, "neg" appends x - 1)."""

    def forward(self, x):
        parts: List[torch.Tensor] = [x]
        if x.mean() > 0:
            parts.append(x * 2.0)
        else:
            parts.append(x - 1.0)
        parts.append(torch.tanh(x))
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        return total * float(len(parts))


@entry("list_append_in_if", [("x", S)], signed_cases(*S))
def _():
    return ListAppendInIf()


class ListSetItemInNestedIf(nn.Module):
    """Item assignment and append in nested data-dependent ifs: four paths (x and y signs)."""

    def forward(self, x, y):
        vals = [x, y]
        if x.mean() > 0:
            vals[0] = vals[0] * 3.0
            if y.mean() > 0:
                vals[1] = y + 1.0
        else:
            vals[1] = vals[1] - x
        vals.insert(0, x * 0.5)
        last = vals.pop()
        return vals[0] + vals[1] * last


@entry("list_set_item_nested_if", [("x", S), ("y", S)],
       {"pp": _two(1, 1), "pn": _two(1, -1), "np": _two(-1, 1), "nn": _two(-1, -1)})
def _():
    return ListSetItemInNestedIf()


class DictOfTensors(nn.Module):
    """A Dict[str, Tensor] built in forward, items() iteration, `in` checks."""

    def forward(self, x):
        d: Dict[str, torch.Tensor] = {}
        d["double"] = x * 2.0
        d["shift"] = x + 1.0
        out = x * 0.0
        for key, value in d.items():
            if key in ["double", "shift"]:
                out = out + value
        if "missing" in d:
            out = out * 100.0
        return out


@entry("dict_of_tensors", [("x", S)], {"any": normal(*S)})
def _():
    return DictOfTensors()


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


class TracedTensorConstant(nn.Module):
    """Tracing stores tensors created in forward as CONSTANTS.cN."""

    def forward(self, x):
        return x * torch.tensor([1.0, -2.0, 0.5, 4.0]) + torch.tensor([0.25, 0.5, 0.75, 1.0])


@entry("traced_tensor_constants", [("x", S)], {"any": normal(*S)}, how="trace")
def _():
    return TracedTensorConstant()


class EarlyReturnInLoop(nn.Module):
    """A return inside a data-dependent loop (printed as a loop with a flag): "pos" returns on the
    first iteration, "neg" runs all iterations."""

    def forward(self, x):
        for i in range(20):
            if bool(x.sum() > 0.0):
                return x * float(i + 1)
            x = x + 0.01
        return x


@entry("early_return_in_loop", [("x", S)], signed_cases(*S))
def _():
    return EarlyReturnInLoop()


class ListStackInWhile(nn.Module):
    """append() inside a data-dependent while, then torch.stack and len(): the list's length is
    decided by the data ("small" grows it 4 times, "large" once)."""

    def forward(self, x):
        outs: List[torch.Tensor] = []
        y = x
        while bool(y.abs().max() < 8.0) or len(outs) == 0:
            y = y * 2.0
            outs.append(torch.tanh(y))
        stacked = torch.stack(outs, 1)
        return stacked.sum(1) * float(len(outs)) + outs[-1] - outs[0]


@entry("list_stack_in_while", [("x", S)],
       {"small": lambda rng: [np.clip(rng.standard_normal(S), -0.9, 0.9)],
        "large": lambda rng: [np.full(S, 5.0) + rng.random(S)]})
def _():
    return ListStackInWhile()


class ListCatInLoopWithIf(nn.Module):
    """A list that starts with one item, grows in a data-dependent for loop (append inside an if
    on the data), then torch.cat along dim 1. "pos" and "neg" take the two branches each
    iteration; the trip count comes from the data too."""

    def forward(self, x):
        parts = [x]
        n = int((x.mean() > 0).int().item()) + 2
        for i in range(n):
            if x.sum() > 0:
                parts.append(x * float(i))
            else:
                parts.append(x - float(i))
        return torch.cat(parts, 1) + float(len(parts))


@entry("list_cat_loop_if", [("x", S)], signed_cases(*S))
def _():
    return ListCatInLoopWithIf()


class RangeStartStep(nn.Module):
    """range(a, b, s) whose stop depends on the data: the loop variable is a + i * s."""

    def forward(self, x):
        stop = int((x.mean() > 0).int().item()) * 6 + 3
        acc = x * 0.0
        for k in range(1, stop, 2):
            acc = acc + x * float(k)
        return acc


@entry("range_start_step_dynamic", [("x", S)], signed_cases(*S))
def _():
    return RangeStartStep()


class DynamicLengthOutput(nn.Module):
    """The model's output is a list grown in a data-dependent while, concatenated: its first
    dimension is decided by the data ("low" needs 4 steps, "high" 1)."""

    def forward(self, x):
        outs: List[torch.Tensor] = []
        while bool(x.sum() < 10.0):
            x = x + 1.0
            outs.append(x)
        return torch.cat(outs, 0)


@entry("dynamic_length_output", [("x", (2, 3))],
       {"low": lambda rng: [np.zeros((2, 3)) + rng.random((2, 3)) * 0.1],
        "high": lambda rng: [np.full((2, 3), 1.5)]})
def _():
    return DynamicLengthOutput()


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


class BranchShapes(nn.Module):
    """The two paths of a data-dependent if give tensors of different shapes ("pos" keeps the
    first two columns, "neg" all four): the result's shape is decided by the data. Only a neural
    network can hold it (an ML Program's cond needs one type; test_corpus.py checks the error)."""

    def forward(self, x):
        if x.mean() > 0:
            y = x[:, :, :2] * 2.0
        else:
            y = x - 1.0
        return torch.relu(y)


@entry("branch_different_shapes", [("x", S)], signed_cases(*S), formats=("mlmodel",))
def _():
    return BranchShapes()


class WritesThroughViews(nn.Module):
    """x[:, 0] = ..., x[1:, 2:] += ..., a write into a view of a view, and a write inside a
    data-dependent if ("pos" writes the last column, "neg" does not)."""

    def forward(self, x):
        y = x * 1.0
        y[:, 0] = torch.tanh(x[:, 1])
        y[1:, :, 2:] += 5.0
        y[0][1:3] = 0.25
        if x.mean() > 0:
            y[:, :, -1] = x[:, :, 0] * 2.0
        return y


@entry("writes_through_views", [("x", S)], signed_cases(*S))
def _():
    return WritesThroughViews()


class DictUpdateInIf(nn.Module):
    """A dict value replaced inside a data-dependent if (both paths keep the same keys)."""

    def forward(self, x):
        d: Dict[str, torch.Tensor] = {"a": x, "b": x * 2.0}
        if x.sum() > 0:
            d["a"] = x + 10.0
        else:
            d["b"] = x - 10.0
        return d["a"] * d["b"]


@entry("dict_update_in_if", [("x", S)], signed_cases(*S))
def _():
    return DictUpdateInIf()


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


class OptionalByData(nn.Module):
    """A variable that is a Tensor on one path of a data-dependent if and None on the other,
    checked later with `is None` ("pos" sets it, "neg" leaves it None)."""

    def forward(self, x):
        y: Optional[torch.Tensor] = None
        if x.mean() > 0:
            y = x * 2.0
        if y is None:
            return x - 1.0
        return y + 0.5


@entry("optional_decided_by_data", [("x", S)], signed_cases(*S))
def _():
    return OptionalByData()


class BranchDTypes(nn.Module):
    """The two paths give tensors of different dtypes (int32 and float32): promoted to float32
    ("pos" takes the int path)."""

    def forward(self, x):
        if x.mean() > 0:
            y = (x > 1.0).int()
        else:
            y = x * 2.0
        return y.float() + 1.0


@entry("branch_different_dtypes", [("x", S)], signed_cases(*S))
def _():
    return BranchDTypes()


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


def _load_families():
    """Imports every corpus_<family>.py beside this file; each registers its entries in ENTRIES."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).resolve().parent.glob("corpus_*.py")):
        if path.stem != "corpus_entry":
            importlib.import_module(path.stem)


_load_families()
