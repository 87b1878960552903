"""Every deployment target (iOS13-iOS18) at both precisions: the seed models and the real-model
set convert, the file carries the target's specification version (and MIL opset), coremltools
reads it (rebuilding every ML Program through the opset's op definitions), and our runtime
matches torch within the precision's tolerance. Formats a target cannot hold are refused."""
import numpy as np
import pytest
import torch

import models
from e2e_helpers import TORCHVISION_MODELS
from e2e_helpers import (assert_close, check_module_against_torch, check_success, convert,
                         error_line, run_model, validate_with_coremltools)
from test_recurrent_nets import NETS
from test_segmentation_head import SegmentationNet
from test_transformer_encoder import vit_encoder

# target -> (format, specification version, MIL opset or None)
TARGETS = {
    "iOS13": (".mlmodel", 4, None),
    "iOS14": (".mlmodel", 5, None),
    "iOS15": (".mlpackage", 6, "CoreML5"),
    "iOS16": (".mlpackage", 7, "CoreML6"),
    "iOS17": (".mlpackage", 8, "CoreML7"),
    "iOS18": (".mlpackage", 9, "CoreML8"),
}
PRECISIONS = ("fp32", "fp16")
CASES = [(target, precision) for target in TARGETS for precision in PRECISIONS]
CASE_IDS = [f"{t}-{p}" for t, p in CASES]


def check_written_for_target(model, target):
    """The specification version and opset on disk are the target's."""
    import coremltools as ct

    fmt, version, opset = TARGETS[target]
    spec = ct.models.MLModel(str(model), skip_model_load=True).get_spec()
    assert spec.specificationVersion == version
    if opset:
        assert spec.WhichOneof("Type") == "mlProgram"
        assert spec.mlProgram.functions["main"].opset == opset
    else:
        assert spec.WhichOneof("Type") == "neuralNetwork"
    assert spec.description.metadata.userDefined["ts2coreml.minimum_deployment_target"] == target
    validate_with_coremltools(model)


@pytest.mark.parametrize("target,precision", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("name", sorted(models.SEED_MODELS))
def test_seed_model_at_target(seed_models, tmp_path, name, target, precision):
    fmt = TARGETS[target][0]
    model = tmp_path / f"{name}{fmt}"
    check_success(convert(seed_models.archive(name), model, precision=precision,
                          extra=["--minimum-deployment-target", target]))
    check_written_for_target(model, target)
    for kind in ("neg", "pos"):  # the two branches of the data-dependent if
        ours = run_model(model, [seed_models.input_paths[kind]], tmp_path / kind)["output"]
        assert_close(ours, seed_models.torch_output(name, kind), precision, f"{name} {kind}")


@pytest.mark.parametrize("target,precision", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("name", TORCHVISION_MODELS)
def test_torchvision_model_at_target(torchvision_archives, tmp_path, name, target, precision):
    fmt = TARGETS[target][0]
    model = tmp_path / f"{name}{fmt}"
    check_success(convert(torchvision_archives / f"{name}_trace.pt", model, precision=precision,
                          extra=["--minimum-deployment-target", target]))
    check_written_for_target(model, target)
    ours = run_model(model, [torchvision_archives / "input.npy"], tmp_path / "out")["output"]
    reference = np.load(torchvision_archives / f"{name}_trace.npy")
    assert_close(ours, reference, precision, name)


def _sequence_models():
    torch.manual_seed(0)
    rng = np.random.default_rng(7)
    lstm, lstm_shape = NETS["lstm_2layer_bidirectional_batch_first"]
    gru, gru_shape = NETS["gru"]
    return {
        "vit_encoder": (vit_encoder, (2, 7, 16)),
        "lstm_2layer_bidirectional": (lstm, lstm_shape),
        "gru": (gru, gru_shape),
        "segmentation_bilinear": (lambda: SegmentationNet("bilinear", False), (1, 3, 20, 24)),
    }


OTHER_REAL_MODELS = _sequence_models()


@pytest.mark.parametrize("target,precision", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("name", sorted(OTHER_REAL_MODELS))
def test_other_real_model_at_target(tmp_path, name, target, precision):
    make, shape = OTHER_REAL_MODELS[name]
    torch.manual_seed(0)
    module = make().eval()
    x = torch.from_numpy(np.random.default_rng(3).standard_normal(shape).astype(np.float32))
    check_module_against_torch(module, x, tmp_path, TARGETS[target][0], "trace", (precision,),
                               what=f"{name} {target}",
                               extra=["--minimum-deployment-target", target])


@pytest.mark.parametrize("target,fmt", [("iOS15", ".mlmodel"), ("iOS18", ".mlmodel"),
                                        ("iOS13", ".mlpackage"), ("iOS14", ".mlpackage")])
def test_format_the_target_cannot_hold_is_refused(seed_models, tmp_path, target, fmt):
    model = tmp_path / f"m{fmt}"
    line = error_line(convert(seed_models.archive("controlflow"), model,
                              extra=["--minimum-deployment-target", target]))
    assert target in line and ("iOS14" in line or "iOS15" in line), line
    assert not model.exists()


def test_unknown_target_is_refused(seed_models, tmp_path):
    line = error_line(convert(seed_models.archive("controlflow"), tmp_path / "m.mlpackage",
                              extra=["--minimum-deployment-target", "iOS12"]))
    assert "'iOS12'" in line and "unknown target" in line


def test_platform_names_map_to_the_same_version(seed_models, tmp_path):
    import coremltools as ct

    for name, version in [("macOS13", 7), ("tvOS17", 8), ("watchOS11", 9), ("macOS10_15", 4)]:
        fmt = ".mlmodel" if version < 6 else ".mlpackage"
        model = tmp_path / f"{name}{fmt}"
        check_success(convert(seed_models.archive("controlflow"), model,
                              extra=["--minimum-deployment-target", name]))
        spec = ct.models.MLModel(str(model), skip_model_load=True).get_spec()
        assert spec.specificationVersion == version, name
