"""Every compile error names the Python `file:line` of the code it is about, in its one error
line: values the compiler evaluates (integer division by zero, an index or a dict key that is not
there, a zero range step, a dimension out of range), an unknown operator and an overload that
does not match. The models are scripted here, so the line expected is the one in this file that
holds the offending expression; the unknown operator and the overload mismatch are archives whose
serialized code was edited (torch itself refuses to script them)."""
import zipfile
from typing import Dict, List

import pytest
import torch
import torch.nn as nn

from e2e_helpers import convert, error_line, line_in

THIS_FILE = __file__.rsplit("/", 1)[-1]


def line_of(marker):
    """The line of this file that holds `marker` (the offending expression)."""
    return line_in(__file__, marker)


class DivisionByZero(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = 6
        self.b = 0

    def forward(self, x):
        return x * (self.a // self.b)


class IndexOutOfRange(nn.Module):
    def __init__(self):
        super().__init__()
        self.sizes: List[int] = [1, 2]

    def forward(self, x):
        return x * self.sizes[5]


class MissingKey(nn.Module):
    def __init__(self):
        super().__init__()
        self.table: Dict[str, int] = {"a": 1}

    def forward(self, x):
        return x * self.table["z"]


class ZeroRangeStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = 0

    def forward(self, x):
        for i in range(0, 3, self.step):
            x = x + i
        return x


class DimensionOutOfRange(nn.Module):
    def __init__(self):
        super().__init__()
        self.dim = 7

    def forward(self, x):
        return x * x.size(self.dim)


class IndexEmptyDimension(nn.Module):
    def forward(self, x):
        empty = x[:, 0:0]
        return empty[torch.tensor([0]), torch.tensor([0])]


class Plain(nn.Module):
    def forward(self, x):
        return torch.relu(x) + 1


CASES = {
    "division_by_zero": (DivisionByZero, "x * (self.a // self.b)", "integer division by zero"),
    "index_out_of_range": (IndexOutOfRange, "x * self.sizes[5]", "out of range"),
    "missing_key": (MissingKey, 'x * self.table["z"]', "is not in the dict"),
    "zero_range_step": (ZeroRangeStep, "range(0, 3, self.step)", "step must not be zero"),
    "dimension_out_of_range": (DimensionOutOfRange, "x * x.size(self.dim)",
                               "dimension out of range"),
    "index_empty_dimension": (IndexEmptyDimension,
                              "empty[torch.tensor([0]), torch.tensor([0])]",
                              "indexing dimension 1 of size 0"),
}


def save(module, path):
    torch.jit.script(module.eval()).save(str(path))
    return path


def edit_code(archive, edited, old, new):
    """A copy of `archive` whose serialized code has `old` replaced by `new`."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(edited, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if "/code/" in item.filename and item.filename.endswith(".py"):
                assert old.encode() in data or "__torch__.py" not in item.filename
                data = data.replace(old.encode(), new.encode())
            target.writestr(item, data)
    return edited


def check_located(archive, tmp_path, marker, problem):
    output = tmp_path / "model.mlpackage"
    line = error_line(convert(archive, output, inputs=["2x3"]))
    assert f"{THIS_FILE}:{line_of(marker)}" in line, line
    assert problem in line, line
    assert not output.exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_errors_name_the_line(name, tmp_path):
    cls, marker, problem = CASES[name]
    check_located(save(cls(), tmp_path / "model.pt"), tmp_path, marker, problem)


def test_unknown_operator_names_the_line(tmp_path):
    archive = edit_code(save(Plain(), tmp_path / "plain.pt"), tmp_path / "model.pt",
                        "torch.relu(", "torch.relux(")
    check_located(archive, tmp_path, "torch.relu(x) + 1", "unknown operator aten::relux")


def test_overload_mismatch_names_the_line(tmp_path):
    archive = edit_code(save(Plain(), tmp_path / "plain.pt"), tmp_path / "model.pt",
                        "torch.add(torch.relu(x), 1)", 'torch.add(torch.relu(x), "one")')
    check_located(archive, tmp_path, "torch.relu(x) + 1", "no overload of aten::add matches")
