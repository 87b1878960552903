#!/usr/bin/env python3
"""Table for scripts/demo.sh: for each converted model and input, which loop count our output
shows and its max error against the output torch stored.

The loop count is inferred by comparison with the two results the fixture script stored for every
input: torch's output after 1 and after 2 loop iterations (tools/fixtures/make_model_fixtures.py).
The model is expected to loop twice for the negative-mean input and once for the positive one.
Exits 1 if any run matches the wrong count or neither. numpy only.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

# The demo converts with the default precision of each format.
PRECISION = {"mlpackage": "fp16", "mlmodel": "fp32"}
EXPECTED_LOOPS = {"neg": 2, "pos": 1}


def tolerance(reference, precision):
    peak = float(np.max(np.abs(reference)))
    return 3e-2 * max(1.0, peak) if precision == "fp16" else 1e-4 + 1e-3 * peak


def max_error(ours, reference):
    return float(np.max(np.abs(ours.astype(np.float64) - reference.astype(np.float64))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--archives", nargs="+", required=True)
    args = parser.parse_args()

    header = ("archive", "format", "precision", "input", "mean", "loops taken", "torch loops",
              "max error", "tolerance", "result")
    rows = []
    failures = 0
    for stem in args.archives:
        for fmt, precision in PRECISION.items():
            for kind, expected in EXPECTED_LOOPS.items():
                x = np.load(args.fixtures / f"input_{kind}.npy")
                ours = np.load(args.results / f"{stem}.{fmt}.{kind}" / "output.npy")
                by_loops = {n: np.load(args.fixtures / f"{stem}.{kind}.loop{n}.npy")
                            for n in (1, 2)}
                matching = [n for n, ref in by_loops.items()
                            if max_error(ours, ref) <= tolerance(ref, precision)]
                taken = str(matching[0]) if len(matching) == 1 else "?"
                reference = by_loops[expected]
                ok = matching == [expected]
                failures += not ok
                rows.append((f"{stem}.pt", fmt, precision, kind, f"{x.mean():+.3f}", taken,
                             str(expected), f"{max_error(ours, reference):.2e}",
                             f"{tolerance(reference, precision):.2e}", "ok" if ok else "MISMATCH"))

    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    print()
    if failures:
        print(f"{failures} of {len(rows)} runs do not match torch")
        return 1
    print(f"all {len(rows)} runs took the loop count torch took and match its output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
