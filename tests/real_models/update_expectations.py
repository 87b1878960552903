#!/usr/bin/env python3
"""Rewrites expectations.py from a results file of run_real_models.py that covers the sample:

    python3 tests/real_models/run_real_models.py R.json --no-coremltools $(python3 -c ...)
    python3 tests/real_models/update_expectations.py R.json

A refusal becomes "error: <what it names>" (the op or construct, without its location), or
"unlocated: ..." when the line has no Python file:line; a mismatch becomes "wrong: ...", and one
that torch's own float32/float64 spread explains "ill-conditioned: <output>".
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sample import SAMPLE  # noqa: E402
LOCATION = re.compile(r"\.py:\d+")  # as test_real_models.LOCATION


def expectation(result):
    if result == "pass":
        return "pass"
    if result.startswith("error: "):
        named = re.sub(r" at /\S+.*$| \(code/.*$|, schema .*$", "", result[len("error: "):])
        named = re.sub(r"/\S*/", "", named)  # paths differ between machines: file names only
        kind = "error" if LOCATION.search(result) else "unlocated"
        return f"{kind}: {named.strip()[:120]}"
    for verdict in ("ill-conditioned", "out of fp16 range"):
        if result.startswith(verdict + ": "):
            return f"{verdict}: " + result[len(verdict) + 2:].split(":")[0]
    return "wrong: " + re.sub(r"[\d.e+-]+ > [\d.e+-]+", "N > N", result)[:120]


def main(argv):
    results = json.loads(Path(argv[1]).read_text())
    lines = ['"""What each sample model of test_real_models.py does today, per target (missing:',
             '"pass"). Written by update_expectations.py from a run; edit by hand to flip one."""',
             "EXPECTED = {"]
    for suite, names in SAMPLE.items():
        for name in names:
            result = results[f"{suite}/{name}"]
            entries = {t: expectation(r) for t, r in result.items()
                       if t in ("mlprogram_fp32", "mlprogram_fp16", "neuralnetwork")}
            entries = {t: e for t, e in entries.items() if e != "pass"}
            if entries:
                lines.append(f"    {suite + '/' + name!r}: {{")
                lines += [f"        {t!r}: {e!r}," for t, e in entries.items()]
                lines.append("    },")
    lines.append("}")
    (HERE / "expectations.py").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
