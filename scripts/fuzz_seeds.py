"""Seed corpora of the fuzz targets (fuzz/*_fuzzer.cc), made from the test fixtures:
    python3 scripts/fuzz_seeds.py <seeds-folder> <ts2coreml binary>
writes <seeds-folder>/<target>/<name> for every target. Only the standard library is used; the
Core ML seeds are converted from a few corpus models by the given binary. Seeds are made, not
committed: the fixtures they come from are."""
import hashlib
import json
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus_t1.13"
# Corpus models converted into the .mlmodel / .mlpackage seeds: convolutions, loops, branches,
# lists, recurrent cells, creation ops (both runtimes' interesting parts) and still small.
CONVERTED = ["controlflow_conv", "if_on_mean", "dynamic_trip_count", "loop_carried_int",
             "activation_select", "frozen_linear_chain", "creation_ops", "modulelist_loop",
             "rtv_gru_cell_script", "list_stack_in_while"]

# Corpus models whose own code takes longer than the fuzzers' 10 s timeout under ASan (a
# 4097x4097 constant, just over the constant evaluation limit): no compiler seed from them.
SLOW_TEMPLATES = {"consteval_over_limit"}


def archives():
    return sorted(FIXTURES.glob("archive/*.pt")) + sorted(CORPUS.glob("*/model.pt")) + sorted(
        FIXTURES.glob("models/*.pt"))


class Seeds:
    """One target's seed folder; contents are named by their hash, so duplicates collapse."""

    def __init__(self, root, target):
        self.folder = root / target
        self.folder.mkdir(parents=True, exist_ok=True)

    def add(self, data):
        (self.folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def first_code_entry(names):
    """The entry compiler_fuzzer.cc replaces: the first code/*.py in zip order."""
    return next(name for name in names if "/code/" in name and name.endswith(".py"))


def plain_tensor_inputs(folder):
    """True when every input of the entry is NAME:DIMS and nothing else is needed (no
    --module/--method, no NAME=VALUE constant): the entries compiler_fuzzer.cc takes."""
    spec = json.loads((folder / "spec.json").read_text())
    if spec.get("options"):
        return False
    return all("=" not in text and text.count(":") == 1 and
               all(part.isdigit() for part in text.split(":")[1].split("x"))
               for text in spec["inputs"])


def corpus_templates():
    """The corpus folders in the order compiler_fuzzer.cc numbers them (sorted paths)."""
    return sorted(d for d in CORPUS.iterdir()
                  if (d / "model.pt").exists() and (d / "spec.json").exists() and
                  plain_tensor_inputs(d))


def convert(binary, folder, out):
    spec = json.loads((folder / "spec.json").read_text())
    args = [str(binary), "convert", str(folder / "model.pt"), "-o", str(out)]
    for text in spec["inputs"]:
        args += ["--input", text]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"fuzz_seeds: {folder.name} -> {out.name} not converted: {done.stderr.strip()}",
              file=sys.stderr)
        return False
    return True


def main(root, binary):
    root.mkdir(parents=True, exist_ok=True)
    zips, pickles, code = Seeds(root, "zip_reader"), Seeds(root, "unpickler"), Seeds(
        root, "torchscript_parser")
    for path in archives():
        zips.add(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".pkl", ".debug_pkl")):
                    pickles.add(archive.read(name))
                elif name.endswith(".py"):
                    code.add(archive.read(name))
    for path in sorted(FIXTURES.glob("torchscript_code/*.py")):
        code.add(path.read_bytes())

    compiler = Seeds(root, "compiler")
    for index, folder in enumerate(corpus_templates()):
        if folder.name in SLOW_TEMPLATES:
            continue
        with zipfile.ZipFile(folder / "model.pt") as archive:
            source = archive.read(first_code_entry(archive.namelist()))
        compiler.add(bytes([index]) + source)  # ML Program
        compiler.add(bytes([index | 0x80]) + source)  # neural network

    npys = Seeds(root, "npy")
    for path in sorted(FIXTURES.glob("npy/*.npy")) + sorted(CORPUS.glob("*/*.npy"))[:40]:
        npys.add(path.read_bytes())

    mlmodels, packages = Seeds(root, "mlmodel"), Seeds(root, "mlpackage")
    work = root / "_converted"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    for name in CONVERTED:
        folder = CORPUS / name
        if convert(binary, folder, work / f"{name}.mlmodel"):
            mlmodels.add((work / f"{name}.mlmodel").read_bytes())
        package = work / f"{name}.mlpackage"
        if convert(binary, folder, package):
            data = package / "Data" / "com.apple.CoreML"
            model = (data / "model.mlmodel").read_bytes()
            weights = data / "weights" / "weight.bin"
            blob = weights.read_bytes() if weights.exists() else b""
            mlmodels.add(model)
            packages.add(struct.pack("<I", len(model)) + model + blob)
    shutil.rmtree(work)
    for folder in sorted(root.iterdir()):
        print(f"fuzz_seeds: {folder.name}: {len(list(folder.iterdir()))} seeds", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
