"""The seed models (ControlFlowNet, ControlFlowNet2) scripted with torch 2.13: convert with the CLI
to both formats at both precisions, run the files with the CLI, compare with torch.

Inputs: one with a clearly negative mean (the model loops twice) and one with a clearly
positive mean (once).
"""
import pytest

from e2e_helpers import FORMATS, PRECISIONS, assert_close, is_close, max_abs_error, tolerance

SEED_CASES = [(name, fmt, precision) for name in ("controlflow", "controlflow2")
              for fmt in FORMATS for precision in PRECISIONS]


def case_id(case):
    name, fmt, precision = case
    return f"{name}-{fmt[1:]}-{precision}"


@pytest.mark.parametrize("case", SEED_CASES, ids=case_id)
def test_matches_torch_on_both_branches(seed_models, case):
    name, fmt, precision = case
    for kind in ("neg", "pos"):
        ours = seed_models.run(name, fmt, precision, kind)
        assert_close(ours, seed_models.torch_output(name, kind), precision, f"{kind} input")


@pytest.mark.parametrize("case", SEED_CASES, ids=case_id)
def test_same_file_takes_both_loop_counts(seed_models, case):
    """One converted file must compute 2 iterations for the negative input and 1 for the
    positive one: the branch and the loop are real control flow, not a traced path."""
    name, fmt, precision = case
    ours = {kind: seed_models.run(name, fmt, precision, kind) for kind in ("neg", "pos")}
    for kind, taken, not_taken in (("neg", 2, 1), ("pos", 1, 2)):
        expected = seed_models.loop_output(name, kind, taken)
        other = seed_models.loop_output(name, kind, not_taken)
        # The two loop counts must be distinguishable at this tolerance, or the test shows nothing.
        assert max_abs_error(other, expected) > 10 * tolerance(expected, precision)
        assert_close(ours[kind], expected, precision, f"{kind} input, {taken} iteration(s)")
        assert not is_close(ours[kind], other, precision), (
            f"{kind} input: output also matches {not_taken} iteration(s)")
    assert not is_close(ours["neg"], ours["pos"], precision)
