"""docs/op_coverage.md must list exactly the lowered ops of the op table, every op must have a case
in the op test table (tests/e2e/op_cases.py) or a note saying why no torch code reaches it, and the
table's test column must name those cases. Regenerate with tools/gen_op_coverage.py."""
import re
import subprocess

from e2e_helpers import REPO, cli_path
from op_cases import CASES, UNREACHABLE, cases_of

TABLE = REPO / "docs" / "op_coverage.md"


def registry_ops():
    tool = cli_path().parent / "list_lowerings"
    return subprocess.run([str(tool)], check=True, capture_output=True, text=True).stdout.split()


def table_rows():
    rows = {}
    for line in TABLE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`") and "::" in cells[0]:
            rows[cells[0].strip("`")] = cells
    return rows


def test_table_lists_the_registry():
    ops, rows = registry_ops(), table_rows()
    assert sorted(rows) == sorted(ops), (
        f"missing from the table: {sorted(set(ops) - set(rows))}; not in the registry: "
        f"{sorted(set(rows) - set(ops))} (run tools/gen_op_coverage.py)")


def test_registry_has_200_aten_ops():
    assert sum(op.startswith("aten::") for op in registry_ops()) >= 200


def test_every_op_has_a_case_or_a_reason():
    ops = registry_ops()
    without = [op for op in ops if not cases_of(op) and op not in UNREACHABLE]
    assert not without, f"ops without a case in op_cases.py or a reason in UNREACHABLE: {without}"
    strays = sorted({c.op for c in CASES} - set(ops))
    assert not strays, f"cases for ops the registry does not have: {strays}"


def test_table_names_the_cases():
    for op, cells in table_rows().items():
        listed = re.findall(r"test_op\[([^\]]+)\]", cells[3])
        assert listed == [c.id for c in cases_of(op)], f"{op}: table lists {listed} (regenerate)"
        if not listed:
            assert cells[4] == UNREACHABLE.get(op, ""), f"{op}: the note differs (regenerate)"
