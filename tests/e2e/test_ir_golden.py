"""Golden IR tests: every tests/fixtures/ir/<pass>/*.ir is run through `ts2coreml-opt` with the
arguments of its `// RUN:` line and its `// CHECK` comments are matched against the output
(tests/e2e/ir_filecheck.py). Every registered pass has at least one file; the checker itself is
shown to reject outputs that break each kind of directive."""
import os
import re
import subprocess
from pathlib import Path

import pytest

from e2e_helpers import REPO
from ir_filecheck import check

GOLDEN = REPO / "tests" / "fixtures" / "ir"
OPT = Path(os.environ.get("TS2COREML_BUILD_DIR", REPO / "build")) / "ts2coreml-opt"
FILES = sorted(GOLDEN.glob("*/*.ir"))


def run_opt(*args):
    return subprocess.run([str(OPT), *map(str, args)], capture_output=True, text=True)


def run_line(path):
    match = re.search(r"^// RUN: ts2coreml-opt %s(.*)$", path.read_text(), re.M)
    assert match, f"{path}: no '// RUN: ts2coreml-opt %s ...' line"
    return match.group(1).split()


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_golden(path):
    args = run_line(path)
    passes = args[args.index("--passes") + 1].split(",") if "--passes" in args else []
    assert path.parent.name in passes, f"{path} does not run the pass its folder names"
    result = run_opt(path, *args)
    assert result.returncode == 0, result.stderr
    failure = check(path.read_text(), result.stdout)
    assert failure is None, f"{path}:{failure}\n--- output ---\n{result.stdout}"


def test_every_registered_pass_has_a_golden_test():
    listed = run_opt("--list-passes")
    assert listed.returncode == 0, listed.stderr
    passes = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    assert len(passes) >= 10, passes
    covered = {p.parent.name for p in FILES}
    assert sorted(set(passes) - covered) == []


def test_checker_rejects_what_breaks_each_directive():
    source = "// CHECK: a = {{[0-9]+}}\n// CHECK-NEXT: b\n// CHECK-NOT: c\n// CHECK: d\n"
    assert check(source, "a = 1\nb\nx\nd\n") is None
    assert "CHECK: 'a" in check(source, "a = x\nb\nd\n")
    assert "CHECK-NEXT" in check(source, "a = 1\nx\nb\nd\n")
    assert "CHECK-NOT" in check(source, "a = 1\nb\nc\nd\n")
    assert "CHECK: 'd'" in check(source, "a = 1\nb\n")
    assert "tests nothing" in check("// CHECK-NOT: x\n", "")
    # A directive the checker does not implement must not pass as if it held.
    with pytest.raises(ValueError, match="CHECK-DAG is not supported"):
        check("// CHECK: a\n// CHECK-DAG: b\n", "a\n")


def test_unknown_pass_and_bad_ir_are_one_line_errors(tmp_path):
    result = run_opt(GOLDEN / "eliminate-dead-code" / "unused_ops.ir", "--passes", "no-such-pass")
    assert result.returncode != 0
    assert result.stderr.startswith("error: unknown pass 'no-such-pass'"), result.stderr
    bad = tmp_path / "bad.ir"
    bad.write_text("graph(%x.0 : Tensor<float32 2>):\n  %1 : Tensor<float32 2> = mil.relu(x=%9)\n"
                   "  return (%1)\n")
    result = run_opt(bad)
    assert result.returncode != 0
    assert result.stderr.strip() == (f"error: {bad}:2:39: value %9 is used before it is defined")
