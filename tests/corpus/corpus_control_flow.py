"""Data-dependent control flow: `if`, elif chains and early returns on tensor values, nested ifs
on two inputs, `while` on a tensor condition, for loops whose trip count or range comes from the
data (with break, continue, a return inside the loop, a loop-carried int, nested loops bounded by
the outer index), and the merge of branch results: tuples, variables assigned on one path only,
different shapes (neural network only), different dtypes, a Tensor on one path and None on the
other; and Python numbers taken from tensors. The cases take every branch and loop path; the
docstring of each entry says which case takes which.
"""
from typing import Optional

import numpy as np
import torch
import torch.nn as nn

from corpus_entry import S, entry, negative, positive, sign_pair_cases, signed_cases


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


@entry("nested_if_two_inputs", [("x", S), ("y", S)], sign_pair_cases(*S))
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


class ScalarFromTensor(nn.Module):
    """Python scalars taken from tensors (float(), item()) drive arithmetic."""

    def forward(self, x):
        m = float(x.mean())
        s = x.sum().item()
        return x * m + s


@entry("scalars_from_tensors", [("x", S)], signed_cases(*S))
def _():
    return ScalarFromTensor()
