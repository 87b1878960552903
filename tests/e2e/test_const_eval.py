"""Constant evaluation (src/api/mil_constant_evaluation.cc): the consteval_* corpus entries
(tests/corpus/corpus_const_eval.py, compared with torch by test_corpus.py) convert to programs in
which the ops computed from constants are gone, while an op whose result is above the size limit
(16 Mi elements) stays in the program. The op counts come from `ts2coreml inspect` of the
converted model in both formats."""
import re
import subprocess
import sys

import pytest

from e2e_helpers import REPO, check_success, convert, run_cli

CORPUS = REPO / "tests" / "corpus"


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    out = tmp_path_factory.mktemp("consteval")
    names = ["consteval_weight_norm_script", "consteval_weight_norm_trace", "consteval_std_conv",
             "consteval_batch_norm_training_input", "consteval_masks", "consteval_over_limit"]
    subprocess.run([sys.executable, str(CORPUS / "build_corpus.py"), str(out), *names],
                   check=True, capture_output=True)
    return out


def op_counts(archives, name, fmt, tmp_path):
    import json

    spec = json.loads((archives / name / "spec.json").read_text())
    model = tmp_path / f"{name}.{fmt}"
    check_success(convert(archives / name / "model.pt", model, inputs=spec["inputs"],
                          precision="fp32"))
    result = run_cli("inspect", str(model))
    check_success(result)
    counts = {}
    listing = False
    for line in result.stdout.splitlines():
        if line.startswith(("ops:", "layers:")):
            listing = True
            continue
        match = re.match(r"^  (\w+): (\d+)$", line)
        if listing and match:
            counts[match.group(1)] = int(match.group(2))
        elif listing and not line.startswith("  "):
            listing = False
    assert counts, result.stdout
    return counts


# entry -> (ML Program ops that must be left, ops that must be gone)
PROGRAM_OPS = {
    # v * g / ||v||: the reductions, square root and division are evaluated; only the convs
    # (and the add of their results) run.
    "consteval_weight_norm_script": ({"conv": 2, "add": 1}, {"reduce_sum", "sqrt", "real_div",
                                                             "mul"}),
    "consteval_weight_norm_trace": ({"conv": 1, "relu": 1}, {"reduce_sum", "sqrt", "real_div",
                                                             "mul"}),
    # The standardized weight is one constant: no layer_norm, reshape or transpose remain.
    "consteval_std_conv": ({"conv": 1}, {"layer_norm", "reshape", "transpose"}),
    # The same batch_norm on the input stays: statistics of the data.
    "consteval_batch_norm_training_input": ({"layer_norm": 1}, set()),
    # Masks, position ids and their differences are constants; the input's softmax and the
    # arithmetic with the masks stay.
    "consteval_masks": ({"softmax": 1}, {"fill", "band_part", "select", "range_1d", "sub",
                                         "slice_by_index", "cast", "reduce_sum"}),
    # 4097 x 4097 elements is above the limit: fill and the triu mask (select) stay.
    "consteval_over_limit": ({"fill": 1, "select": 1, "reduce_sum": 1}, set()),
}

NETWORK_LAYERS = {
    "consteval_weight_norm_script": ({"convolution": 2}, {"reduceSum", "unary", "divideBroadcastable"}),
    "consteval_weight_norm_trace": ({"convolution": 1}, {"reduceSum", "unary", "divideBroadcastable"}),
    "consteval_std_conv": ({"convolution": 1}, {"layerNormalization", "transpose"}),
    "consteval_masks": ({"softmaxND": 1}, {"fillStatic", "whereBroadcastable", "rangeStatic",
                                           "sliceStatic", "subtractBroadcastable"}),
    "consteval_over_limit": ({"fillStatic": 1, "whereBroadcastable": 1, "reduceSum": 1}, set()),
}


@pytest.mark.parametrize("name", sorted(PROGRAM_OPS))
def test_ml_program_ops_after_constant_evaluation(archives, name, tmp_path):
    kept, gone = PROGRAM_OPS[name]
    counts = op_counts(archives, name, "mlpackage", tmp_path)
    for op, count in kept.items():
        assert counts.get(op) == count, (op, counts)
    assert not gone & set(counts), counts


@pytest.mark.parametrize("name", sorted(NETWORK_LAYERS))
def test_neural_network_layers_after_constant_evaluation(archives, name, tmp_path):
    kept, gone = NETWORK_LAYERS[name]
    counts = op_counts(archives, name, "mlmodel", tmp_path)
    for layer, count in kept.items():
        assert counts.get(layer) == count, (layer, counts)
    assert not gone & set(counts), counts
