#!/usr/bin/env python3
"""Converts the corpus and the committed fixture archives with two ts2coreml binaries, to both
formats at both precisions, and compares what they write byte for byte: every file of a
.mlpackage (weight.bin, Manifest.json), the error line of a refused conversion, and the model
protobuf (.mlmodel, or model.mlmodel inside the package) after a deterministic re-serialization,
since protobuf writes the entries of a map field (the user-defined metadata) in an order that
changes from run to run, and Manifest.json with its random item identifiers replaced by the
paths they name. Needs coremltools (Apple's Model.proto descriptors). A refactoring that must not
change the output runs it with main's binary and its own:

    scripts/check_identical_outputs.py /work/main/build/ts2coreml build/ts2coreml
    scripts/check_identical_outputs.py A B --corpus-t213   # also the corpus saved by torch 2.13
    scripts/check_identical_outputs.py A B --cases build/test-cache/real_models/timm-*  # real models

Exit status 0 when every output is identical; otherwise the differing conversions are listed."""
import argparse
import concurrent.futures
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
# Input shapes of the archives without a spec.json (tests/e2e/models.py, recurrent_models.py).
FIXED_SPECS = {
    "models/controlflow_t1.13.pt": ["1x3x64x64"],
    "models/controlflow_t2.13.pt": ["1x3x64x64"],
    "models/controlflow2_t1.13.pt": ["1x3x64x64"],
    "recurrent_t1.13/lstm.pt": ["2x5x8"],
    "recurrent_t1.13/gru.pt": ["5x2x8"],
    "recurrent_t1.13/transformer_encoder_layer.pt": ["2x5x16"],
}
VARIANTS = [("mlpackage", "fp16"), ("mlpackage", "fp32"), ("mlmodel", "fp32"), ("mlmodel", "fp16")]


def archives(corpus_dirs, case_dirs=()):
    """(label, archive, input specs, formats) of every archive to convert."""
    for relative, specs in FIXED_SPECS.items():
        yield relative, FIXTURES / relative, specs, ["mlpackage", "mlmodel"]
    for corpus in corpus_dirs:
        for entry in sorted(p for p in corpus.iterdir() if (p / "spec.json").exists()):
            spec = json.loads((entry / "spec.json").read_text())
            # --module/--method ride along as the last "specs" (convert() passes them on).
            options = spec.get("options", [])
            yield (f"{corpus.name}/{entry.name}", entry / "model.pt",
                   spec["inputs"] + [options] if options else spec["inputs"], spec["formats"])
    # Real-model cases (tests/real_models/archive_io.py): model.pt and spec.json with its inputs.
    for folder in case_dirs:
        for entry in sorted(p for p in folder.iterdir() if (p / "model.pt").exists()):
            spec = json.loads((entry / "spec.json").read_text())
            yield f"{folder.name}/{entry.name}", entry / "model.pt", spec["inputs"], ["mlpackage", "mlmodel"]


def convert(binary, archive, specs, fmt, precision, out_dir):
    target = out_dir / f"model.{fmt}"
    command = [str(binary), "convert", str(archive), "-o", str(target), "--precision", precision]
    for spec in specs:
        command += spec if isinstance(spec, list) else ["--input", spec]
    result = subprocess.run(command, capture_output=True, text=True)
    return target, result.returncode, result.stderr


def canonical(name, data):
    """The bytes to compare: a model protobuf re-serialized deterministically, a manifest with
    numbered identifiers, else the file."""
    if name == "Manifest.json":
        manifest = json.loads(data)
        paths = {key: item["path"] for key, item in manifest["itemInfoEntries"].items()}
        manifest["itemInfoEntries"] = {paths[key]: item
                                       for key, item in manifest["itemInfoEntries"].items()}
        manifest["rootModelIdentifier"] = paths.get(manifest["rootModelIdentifier"], "?")
        return json.dumps(manifest, sort_keys=True).encode()
    if not name.endswith(".mlmodel"):
        return data
    from coremltools.proto import Model_pb2
    model = Model_pb2.Model()
    model.ParseFromString(data)
    return model.SerializeToString(deterministic=True)


def files_of(path):
    if path.is_dir():
        return {str(p.relative_to(path)): canonical(p.name, p.read_bytes())
                for p in sorted(path.rglob("*")) if p.is_file()}
    return {"": canonical(path.name, path.read_bytes())} if path.exists() else {}


def compare_one(binaries, job, work):
    label, archive, specs, fmt, precision = job
    results = []
    for index, binary in enumerate(binaries):
        out_dir = Path(tempfile.mkdtemp(dir=work))
        target, code, stderr = convert(binary, archive, specs, fmt, precision, out_dir)
        results.append((code, stderr, files_of(target)))
    (code_a, err_a, files_a), (code_b, err_b, files_b) = results
    name = f"{label} {fmt} {precision}"
    if code_a != code_b or err_a != err_b:
        return name, f"exit {code_a} vs {code_b}: {err_a.strip()!r} vs {err_b.strip()!r}"
    if files_a.keys() != files_b.keys():
        return name, f"files differ: {sorted(files_a.keys() ^ files_b.keys())}"
    for file in files_a:
        if files_a[file] != files_b[file]:
            return name, f"bytes differ in {file or 'the model file'}"
    return name, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary_a", type=Path)
    parser.add_argument("binary_b", type=Path)
    parser.add_argument("--corpus-t213", action="store_true",
                        help="also build the corpus with this python's torch (2.13) and compare it")
    parser.add_argument("--cases", type=Path, nargs="*", default=[],
                        help="folders of real-model cases (build/test-cache/real_models/<suite>)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        corpus_dirs = [FIXTURES / "corpus_t1.13"]
        if args.corpus_t213:
            built = work / "corpus_t2.13"
            subprocess.run([sys.executable, str(REPO / "tests" / "corpus" / "build_corpus.py"),
                            str(built)], check=True, capture_output=True)
            corpus_dirs.append(built)
        jobs = [(label, archive, specs, fmt, precision)
                for label, archive, specs, formats in archives(corpus_dirs, args.cases)
                for fmt, precision in VARIANTS if fmt in formats]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(lambda job: compare_one([args.binary_a, args.binary_b], job,
                                                             work), jobs))
    different = [(name, why) for name, why in outcomes if why]
    for name, why in different:
        print(f"DIFFERENT {name}: {why}")
    print(f"{len(jobs) - len(different)} of {len(jobs)} conversions identical")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
