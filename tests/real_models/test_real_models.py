"""The real-model suite's CI sample: one timm model from every timm model file and every
transformers architecture in both traced forms (sample.py), each converted to ML Program fp32,
ML Program fp16 and a neural network, run in our runtime and compared with torch.

What each (model, target) is expected to do is data in expectations.py: "pass" (converts and
matches torch), or the failure it has today. An expected refusal is asserted to stay one
`error: ...` line naming it with its Python file:line; refusals without a location and wrong
results are strict xfails; a model that torch's own rounding spread makes incomparable
("ill-conditioned": float32 against float64, or fp16 rounding for fp16), or whose output exceeds fp16's range ("out of fp16 range", fp16 only), is
expected to stay so. So a fix makes its test fail until the expectation is flipped to
"pass" (tests/real_models/update_expectations.py), and a regression of a passing model fails.
The archives are generated once (archives.py) and cached under the build folder.
"""
import re

import pytest

import archives
import runner
from expectations import EXPECTED
from sample import SAMPLE
from update_expectations import expectation

LOCATION = re.compile(r"\.py:\d+")


def cases():
    for suite, names in SAMPLE.items():
        for name in names:
            for target in runner.TARGETS:
                expected = EXPECTED.get(f"{suite}/{name}", {}).get(target, "pass")
                kind = expected.partition(": ")[0]
                marks = [pytest.mark.xfail(strict=True, reason=expected)] \
                    if kind in ("wrong", "unlocated") else []
                yield pytest.param(suite, name, target, id=f"{suite}/{name}/{target}",
                                   marks=marks)


@pytest.fixture(scope="session")
def archive_dirs():
    return {suite: archives.ensure(suite, names) for suite, names in SAMPLE.items()}


def test_sample_covers_every_family():
    timm_families = {family for _, family in archives.model_list("timm")}
    sampled = dict(archives.model_list("timm"))
    assert {sampled[name] for name in SAMPLE["timm"]} == timm_families
    hf = dict(archives.model_list("transformers"))
    assert set(SAMPLE["transformers"]) == set(hf)
    assert sum(map(len, SAMPLE.values())) >= 150


@pytest.mark.parametrize("suite,name,target", cases())
def test_real_model(suite, name, target, archive_dirs, tmp_path):
    case = archive_dirs[suite] / name
    assert not (case / "torch_error.txt").exists(), (
        f"torch could not build the sample model: {(case / 'torch_error.txt').read_text()}")
    result = runner.check_target(case, tmp_path, target)
    expected = EXPECTED.get(f"{suite}/{name}", {}).get(target, "pass")
    if expected == "pass":
        assert result == "pass"
        return
    kind, _, text = expected.partition(": ")
    if kind in ("wrong", "unlocated"):
        # Strict xfail: passes only while the known defect is still there.
        assert result == "pass", f"known {kind}: {text}; now: {result}"
        return
    if kind in ("ill-conditioned", "out of fp16 range"):
        # The test weights make the model chaotic, or its output larger than fp16 can hold
        # (runner.compare): nothing to assert but that.
        assert result.startswith(f"{kind}: {text}:"), f"expected {expected}, got {result}"
        return
    assert kind == "error", expected
    assert result != "pass", f"now passes: set {suite}/{name} {target} to 'pass' in expectations.py"
    assert result.startswith("error: ") and "\n" not in result, result
    # Compared in the form expectations.py stores (machine paths cut, as update_expectations).
    assert text in expectation(result), f"expected a refusal naming {text!r}, got: {result}"
    assert LOCATION.search(result), f"the refusal has no Python file:line: {result}"
