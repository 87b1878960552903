"""IR text both ways on the whole corpus: for every corpus archive (torch 1.13 fixtures) and the
committed model archives, `inspect --ir-after eliminate-dead-code` prints the torch-level IR (after
the torch pipeline) and the MIL-level IR (after each dead-code run of mil-common) in the parseable
form; `ts2coreml-opt` parses each graph and prints it again, and the text must be identical."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from e2e_helpers import REPO, check_success, run_cli

FIXTURES = REPO / "tests" / "fixtures"
OPT = Path(os.environ.get("TS2COREML_BUILD_DIR", REPO / "build")) / "ts2coreml-opt"
HEADER = re.compile(r"^// IR after (\S+) \(pipeline (\S+),.*\)\n", re.M)


def archives():
    found = [(f"models/{name}", FIXTURES / "models" / f"{name}.pt", ["--input", "1x3x64x64"])
             for name in ("controlflow_t1.13", "controlflow_t2.13", "controlflow2_t1.13")]
    for entry in sorted((FIXTURES / "corpus_t1.13").iterdir()):
        spec = json.loads((entry / "spec.json").read_text())
        args = [arg for item in spec["inputs"] for arg in ("--input", item)]
        found.append((f"corpus_t1.13/{entry.name}", entry / "model.pt",
                      args + spec.get("options", [])))
    return found


ARCHIVES = archives()


@pytest.mark.parametrize("label,archive,args", ARCHIVES, ids=[a[0] for a in ARCHIVES])
def test_print_parse_print_is_identical(label, archive, args):
    printed = check_success(run_cli("inspect", archive, *args, "--ir-after",
                                    "eliminate-dead-code")).stdout
    pipelines = [match.group(2) for match in HEADER.finditer(printed)]
    graphs = HEADER.split(printed)[3::3]
    assert "torch" in pipelines and "mil-common" in pipelines, pipelines
    assert len(graphs) == len(pipelines)
    for pipeline, graph in zip(pipelines, graphs):
        assert graph.startswith("graph("), graph[:200]
        result = subprocess.run([str(OPT), "-"], input=graph, capture_output=True, text=True)
        assert result.returncode == 0, f"{label} ({pipeline}): {result.stderr}"
        assert result.stdout == graph, f"{label} ({pipeline}): the reprinted IR differs"
