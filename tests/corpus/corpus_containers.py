"""Containers and mutation: lists and dicts built in forward and changed under data-dependent
control flow (append, item assignment, insert and pop in ifs; append in a data-dependent while
or for loop, then torch.stack or torch.cat; a list whose length, and so the output's first
dimension, the data decides; dict items(), `in` and values replaced in an if), and tensors
changed in place: in-place ops on intermediates and writes through views and indexing.
"""
from typing import Dict, List

import numpy as np
import torch
import torch.nn as nn

from corpus_entry import S, entry, normal, sign_pair_cases, signed_cases


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


@entry("list_set_item_nested_if", [("x", S), ("y", S)], sign_pair_cases(*S))
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
