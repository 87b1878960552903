#!/usr/bin/env python3
"""Runs the real-model suite's whole list (or the names given) and writes the results as JSON:

    python3 tests/real_models/run_real_models.py RESULTS.json [--suite timm|transformers]...
        [--jobs N] [--no-coremltools] [--keep-archives] [NAME...]

Generates missing archives (archives.py, cached), converts each to the three targets with the
ts2coreml CLI ($TS2COREML_BIN), compares with torch (runner.py) and asks coremltools 9.0 whether
it converts the same archive. Archives of models outside the CI sample are deleted once their
result is saved (--keep-archives keeps them). tools/gen_real_models_table.py turns the JSON into
docs/real_models.md. Results already in RESULTS.json for the same archive folder are kept, so
an interrupted run goes on where it stopped.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archives  # noqa: E402
import runner  # noqa: E402
from sample import SAMPLE  # noqa: E402

COREMLTOOLS_BATCH = 8
# Models per generation-and-check round, per worker.
CHUNK_PER_JOB = 12


def check_chunk(suite, rows, results, results_path, args):
    """Generates the archives of `rows` (cached), checks the ones without a result for this
    archive folder, asks coremltools, and saves the results."""
    out = archives.cache_dir(suite)
    todo = [(name, family) for name, family in rows
            if results.get(f"{suite}/{name}", {}).get("archives") != str(out)]
    if todo:
        start = time.time()
        archives.ensure(suite, [name for name, _ in todo], jobs=args.jobs)
        print(f"{suite}: {len(todo)} archives in {out} ({time.time() - start:.0f} s)", flush=True)
    with tempfile.TemporaryDirectory() as work:
        def check(row):
            name, family = row
            return row, runner.check_case(out / name, Path(work) / name)

        with ThreadPoolExecutor(args.jobs) as pool:
            for (name, family), result in pool.map(check, todo):
                results[f"{suite}/{name}"] = {"suite": suite, "family": family,
                                              "archives": str(out), **result}
    runner.save_results(results_path, results)
    if not args.no_coremltools:
        cases = [out / name for name, _ in rows
                 if "torch" not in results[f"{suite}/{name}"]
                 and "coremltools" not in results[f"{suite}/{name}"]
                 and (out / name / "model.pt").exists()]
        batches = [cases[i:i + COREMLTOOLS_BATCH]
                   for i in range(0, len(cases), COREMLTOOLS_BATCH)]
        with ThreadPoolExecutor(args.jobs) as pool:
            for answers in pool.map(runner.coremltools_converts, batches):
                for name, answer in answers.items():
                    results[f"{suite}/{name}"]["coremltools"] = answer
        runner.save_results(results_path, results)
    if not args.keep_archives:
        # The whole timm list's archives take hundreds of GB: once a model's result is saved,
        # its archive goes, unless the CI sample needs it (a later run generates it again).
        sampled = set(SAMPLE.get(suite, []))
        for name, _ in rows:
            if name not in sampled and f"{suite}/{name}" in results:
                shutil.rmtree(out / name, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--suite", action="append", choices=sorted(archives.GENERATORS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-coremltools", action="store_true")
    parser.add_argument("--keep-archives", action="store_true",
                        help="keep the archives of models outside the CI sample (hundreds of GB)")
    parser.add_argument("names", nargs="*")
    args = parser.parse_intermixed_args()
    results_path = Path(args.results)
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for suite in args.suite or sorted(archives.GENERATORS):
        rows = archives.model_list(suite)
        if args.names:
            rows = [row for row in rows if row[0] in args.names]
        else:  # the table tells how much of the whole list a (possibly interrupted) run covers
            results.setdefault("_lists", {})[suite] = len(rows)
        # Generation and checking go chunk by chunk, so an interrupted run keeps what it did
        # (large models take minutes each to build; the whole timm list, hours).
        chunk_size = CHUNK_PER_JOB * args.jobs
        for start in range(0, len(rows), chunk_size):
            check_chunk(suite, rows[start:start + chunk_size], results, results_path, args)
            print(f"{suite}: {min(start + chunk_size, len(rows))}/{len(rows)} done", flush=True)
    runner.save_results(results_path, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
