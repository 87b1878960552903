"""docs/mil_ops.md must be what tools/gen_mil_op_table.py writes from the compiled op table
(src/ir/mil_ops.def), and the function names of the table must be the ones the registries
register (regenerate the doc with tools/gen_mil_op_table.py)."""
import re
import sys

from e2e_helpers import REPO, cli_path

sys.path.insert(0, str(REPO / "tools"))
import gen_mil_op_table  # noqa: E402

DOC = REPO / "docs" / "mil_ops.md"


def rows():
    return gen_mil_op_table.table_rows(cli_path().parent)


def test_doc_is_current():
    assert DOC.read_text() == gen_mil_op_table.render(rows()), (
        "docs/mil_ops.md is stale: run python3 tools/gen_mil_op_table.py")


def test_runtime_function_names_are_the_registered_ones():
    sources = "".join(p.read_text() for p in (REPO / "src/runtime/mil").glob("ops_*.cc"))
    registered = dict(re.findall(r'table\["(\w+)"\] = ([^;]+);', sources))
    for row in rows():
        assert registered.get(row["name"]) == row["runtime"], (
            f"{row['name']}: the table names {row['runtime']}, runtime/mil registers "
            f"{registered.get(row['name'])}")


def test_neural_network_lowering_names_are_the_registered_ones():
    source = (REPO / "src/backends/neuralnetwork/nn_registry.cc").read_text()
    registered = dict(re.findall(r'\{"(\w+)", (\w+)\}', source))
    for row in rows():
        if row["nn"] == "lowered":
            assert registered.get(row["name"]) == row["nn_detail"], row["name"]
