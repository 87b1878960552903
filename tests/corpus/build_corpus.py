#!/usr/bin/env python3
"""Saves every corpus entry (corpus_models.ENTRIES) with the running torch, with its input cases and
torch's outputs, into one folder per entry:

    OUT/<entry>/model.pt            the TorchScript archive
    OUT/<entry>/spec.json           {"inputs": ["x:2x3x4", ...], "formats": [...], "cases": [...],
                                     "input_names": [...], "outputs": [Core ML output names],
                                     "options": [--module/--method options]}
    OUT/<entry>/<case>.in<i>.npy    input i of a case
    OUT/<entry>/<case>.out<j>.npy   torch's output j for that case, in the order of "outputs"

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
import corpus_entry  # noqa: E402
import corpus_models  # noqa: E402


def build_entry(entry, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = entry.to_torchscript()
    module.save(str(out_dir / "model.pt"))
    output_names = None
    for case in sorted(entry.cases):
        arrays = entry.case_arrays(case)
        for i, array in enumerate(arrays):
            np.save(out_dir / f"{case}.in{i}.npy", array)
        args, kwargs = entry.torch_arguments(case)
        with torch.no_grad():
            result = entry.torch_callable(module)(*args, **kwargs)
        outputs = corpus_entry.named_outputs(result)
        output_names = [name for name, _ in outputs]
        for j, (_, array) in enumerate(outputs):
            np.save(out_dir / f"{case}.out{j}.npy", array)
    spec = {"inputs": entry.input_specs(), "formats": list(entry.formats),
            "cases": sorted(entry.cases), "torch": torch.__version__,
            "input_names": [item[0] for item in entry.inputs], "outputs": output_names,
            "options": entry.convert_options()}
    (out_dir / "spec.json").write_text(json.dumps(spec, indent=1) + "\n")


def main(argv):
    out = Path(argv[1])
    names = argv[2:] or sorted(corpus_models.ENTRIES)
    for name in names:
        build_entry(corpus_models.ENTRIES[name], out / name)


if __name__ == "__main__":
    main(sys.argv)
