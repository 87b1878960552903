#!/usr/bin/env python3
"""Saves every corpus entry (corpus_models.py) with the running torch, with its input cases and
torch's outputs, into one folder per entry:

    OUT/<entry>/model.pt            the TorchScript archive
    OUT/<entry>/spec.json           {"inputs": ["x:2x3x4", ...], "formats": [...], "cases": [...]}
    OUT/<entry>/<case>.in<i>.npy    input i of a case
    OUT/<entry>/<case>.out<j>.npy   torch's output j for that case (tuples give several)

    python3 tests/corpus/build_corpus.py OUT [ENTRY...]

The end-to-end test runs it with torch 2.13 into a temporary folder; the committed fixtures of
torch 1.13 (tests/fixtures/corpus_t1.13) come from `/usr/bin/python3 tools/fixtures/
make_corpus_fixtures.py`, which calls it.
"""
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_models  # noqa: E402


def flatten_outputs(result):
    if isinstance(result, torch.Tensor):
        return [result]
    return [t for item in result for t in flatten_outputs(item)]


def build_entry(entry, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = entry.to_torchscript()
    module.save(str(out_dir / "model.pt"))
    for case in sorted(entry.cases):
        arrays = entry.case_arrays(case)
        for i, array in enumerate(arrays):
            np.save(out_dir / f"{case}.in{i}.npy", array)
        with torch.no_grad():
            result = module(*[torch.from_numpy(a) for a in arrays])
        for j, tensor in enumerate(flatten_outputs(result)):
            np.save(out_dir / f"{case}.out{j}.npy", tensor.numpy())
    spec = {"inputs": entry.input_specs(), "formats": list(entry.formats),
            "cases": sorted(entry.cases), "torch": torch.__version__}
    (out_dir / "spec.json").write_text(json.dumps(spec, indent=1) + "\n")


def main(argv):
    out = Path(argv[1])
    names = argv[2:] or sorted(corpus_models.ENTRIES)
    for name in names:
        build_entry(corpus_models.ENTRIES[name], out / name)


if __name__ == "__main__":
    main(sys.argv)
