"""The model interface options: flexible input shapes (ranges and enumerated, both formats, run
at several shapes inside and refused outside), image inputs (same result as the tensor model fed
the explicitly preprocessed pixels), output names and dtypes, ops kept in fp32, metadata."""
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import models
from e2e_helpers import (FORMATS, assert_close, check_success, convert, error_line, run_cli,
                         run_model, validate_with_coremltools)


def save(module, path, how="script", example=None):
    module = module.eval()
    saved = torch.jit.script(module) if how == "script" else torch.jit.trace(module, (example,))
    saved.save(str(path))
    return saved


def spec_of(model):
    import coremltools as ct

    return ct.models.MLModel(str(model), skip_model_load=True).get_spec()


def run_and_compare(model, saved, array, work_dir, precision, what):
    np.save(work_dir / "x.npy", array)
    ours = run_model(model, [f"x={work_dir / 'x.npy'}"], work_dir / "out")["output"]
    with torch.no_grad():
        reference = saved(torch.from_numpy(array)).numpy()
    assert_close(ours, reference, precision, what)
    return ours


# ---------------------------------------------------------------- flexible shapes

FLEXIBLE_SPECS = {
    "ranges": "x:1x3x(24..96)x(24..96)",
    "unbounded": "x:1x3x(24..)x(24..)",
    "enumerated": "x:1x3x24x24,1x3x40x64,1x3x96x96",
}
INSIDE = {"ranges": [(24, 24), (40, 64), (96, 96)], "unbounded": [(24, 24), (57, 33), (160, 200)],
          "enumerated": [(24, 24), (40, 64), (96, 96)]}
OUTSIDE = {"ranges": [(16, 24), (24, 100)], "unbounded": [(23, 40)],
           "enumerated": [(24, 40), (48, 48)]}


@pytest.fixture(scope="module")
def controlflow(tmp_path_factory):
    directory = tmp_path_factory.mktemp("flexible")
    torch.manual_seed(0)
    saved = save(models.ControlFlowNet(3), directory / "controlflow.pt")
    return directory / "controlflow.pt", saved


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("kind", sorted(FLEXIBLE_SPECS))
def test_flexible_input_runs_inside_and_refuses_outside(controlflow, tmp_path, kind, fmt):
    archive, saved = controlflow
    model = tmp_path / f"flexible{fmt}"
    check_success(convert(archive, model, inputs=[FLEXIBLE_SPECS[kind]], precision="fp32"))
    validate_with_coremltools(model)
    array_type = spec_of(model).description.input[0].type.multiArrayType
    if kind == "enumerated":
        assert [list(s.shape) for s in array_type.enumeratedShapes.shapes] == [
            [1, 3, 24, 24], [1, 3, 40, 64], [1, 3, 96, 96]]
    else:
        ranges = [(r.lowerBound, r.upperBound) for r in array_type.shapeRange.sizeRanges]
        upper = 96 if kind == "ranges" else -1
        assert ranges == [(1, 1), (3, 3), (24, upper), (24, upper)]
    rng = np.random.default_rng(0)
    for i, (h, w) in enumerate(INSIDE[kind]):
        for sign in (-1.0, 1.0):  # both branches of the data-dependent if
            array = (rng.standard_normal((1, 3, h, w)) + 0.5 * sign).astype(np.float32)
            run_dir = tmp_path / f"in{i}{sign}"
            run_dir.mkdir()
            ours = run_and_compare(model, saved, array, run_dir, "fp32", f"{kind} {h}x{w}")
            assert ours.shape == (1, 3, h, w)
    for h, w in OUTSIDE[kind]:
        np.save(tmp_path / "bad.npy", np.zeros((1, 3, h, w), np.float32))
        line = error_line(run_cli("run", model, "--input", f"x={tmp_path / 'bad.npy'}",
                                  "--output-dir", tmp_path / "bad"))
        assert f"1x3x{h}x{w}" in line and "expects" in line, line


@pytest.mark.parametrize("spec,message", [
    ("x:1x3x(64..32)x64", "empty"),
    ("x:1x3x(a..9)x64", "not a dimension"),
    ("x:1x3x(8.9)x64", "not a range"),
    ("x:1x3x8x8,1x3x8", "differ in rank"),
])
def test_bad_flexible_spec_is_refused(controlflow, tmp_path, spec, message):
    archive, _ = controlflow
    line = error_line(convert(archive, tmp_path / "m.mlpackage", inputs=[spec]))
    assert message in line and spec in line, line
    assert not (tmp_path / "m.mlpackage").exists()


# ---------------------------------------------------------------- image inputs

class ConvHead(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, 4, 3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv(x))
        if y.mean() > 0.5:
            y = y * 2.0
        return y


IMAGE_CASES = {
    # layout -> (channels, scale, bias in the model's channel order)
    "image": (3, 1.0 / 255.0, [-0.5, 0.0, 0.25]),
    "image-bgr": (3, 2.0 / 255.0, [-1.0, -0.9, -0.8]),
    "image-gray": (1, 1.0 / 127.5, [-1.0]),
}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("layout", sorted(IMAGE_CASES))
def test_image_input_equals_tensor_model_with_explicit_preprocessing(tmp_path, layout, fmt):
    channels, scale, bias = IMAGE_CASES[layout]
    torch.manual_seed(1)
    saved = save(ConvHead(channels), tmp_path / "head.pt")
    image_model = tmp_path / f"image{fmt}"
    check_success(convert(tmp_path / "head.pt", image_model,
                          inputs=[f"x:1x{channels}x20x30:{layout}"], precision="fp32",
                          extra=["--image-scale", f"x={scale}", "--image-bias",
                                 "x=" + ",".join(map(str, bias))]))
    validate_with_coremltools(image_model)
    feature = spec_of(image_model).description.input[0].type.imageType
    assert (feature.width, feature.height) == (30, 20)
    tensor_model = tmp_path / f"tensor{fmt}"
    check_success(convert(tmp_path / "head.pt", tensor_model, inputs=[f"x:1x{channels}x20x30"],
                          precision="fp32"))

    rng = np.random.default_rng(3)
    for level in (40, 200):  # dark and bright images take the two branches
        pixels = np.clip(rng.normal(level, 30, (20, 30, 3)), 0, 255).astype(np.uint8)
        if layout == "image-gray":
            pixels = pixels[:, :, 0]
            planes = pixels[None, None].astype(np.float32)
        else:
            ordered = pixels if layout == "image" else pixels[:, :, ::-1]
            planes = ordered.transpose(2, 0, 1)[None].astype(np.float32)
        preprocessed = (scale * planes + np.array(bias, np.float32)[None, :, None, None])
        np.save(tmp_path / "pixels.npy", pixels)
        np.save(tmp_path / "tensor.npy", preprocessed.astype(np.float32))
        from_image = run_model(image_model, [f"x={tmp_path / 'pixels.npy'}"],
                               tmp_path / f"img{level}")["output"]
        from_tensor = run_model(tensor_model, [f"x={tmp_path / 'tensor.npy'}"],
                                tmp_path / f"ten{level}")["output"]
        with torch.no_grad():
            reference = saved(torch.from_numpy(preprocessed.astype(np.float32))).numpy()
        assert_close(from_image, reference, "fp32", f"{layout} image vs torch")
        assert_close(from_image, from_tensor, "fp32", f"{layout} image vs tensor model")


@pytest.mark.parametrize("inputs,extra,message", [
    (["x:1x3x20x30:image-gray"], [], "1x1xHxW"),
    (["x:1x3x20x30:image"], ["--image-bias", "x=1,2"], "2 bias values"),
    (["x:1x3x20x30:image"], ["--image-scale", "y=2"], "no image input"),
    (["x:1x3x20x30:image"], ["--image-scale", "x=abc"], "not a number"),
    (["x:1x3x(20..40)x30:image"], [], "flexible"),
])
def test_bad_image_options_are_refused(tmp_path, inputs, extra, message):
    save(ConvHead(3), tmp_path / "head.pt")
    line = error_line(convert(tmp_path / "head.pt", tmp_path / "m.mlpackage", inputs=inputs,
                              extra=extra))
    assert message in line, line
    assert not (tmp_path / "m.mlpackage").exists()


# ---------------------------------------------------------------- outputs

class TwoOutputs(nn.Module):
    def forward(self, x):
        probs = torch.sigmoid(x * 3.0)
        return probs, torch.floor(x * 2.0)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
def test_output_names_and_dtypes(tmp_path, fmt):
    saved = save(TwoOutputs(), tmp_path / "two.pt")
    model = tmp_path / f"two{fmt}"
    check_success(convert(tmp_path / "two.pt", model, inputs=["x:2x5"], precision="fp32",
                          extra=["--output-spec", "probs", "--output-spec", "best:int32"]))
    validate_with_coremltools(model)
    outputs = spec_of(model).description.output
    assert [o.name for o in outputs] == ["probs", "best"]
    x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    ours = run_model(model, [tmp_path / "x.npy"], tmp_path / "out")
    probs, best = saved(torch.from_numpy(x))
    assert_close(ours["probs"], probs.detach().numpy(), "fp32", "probs")
    assert ours["best"].dtype == np.int32
    np.testing.assert_array_equal(ours["best"], best.numpy().astype(np.int32))


def test_float16_output_needs_ios16(tmp_path):
    save(TwoOutputs(), tmp_path / "two.pt")
    line = error_line(convert(tmp_path / "two.pt", tmp_path / "m.mlpackage", inputs=["x:2x5"],
                              extra=["--output-spec", "p:float16"]))
    assert "iOS16" in line, line
    model = tmp_path / "ok.mlpackage"
    check_success(convert(tmp_path / "two.pt", model, inputs=["x:2x5"],
                          extra=["--output-spec", "p:float16", "--minimum-deployment-target",
                                 "iOS16"]))
    validate_with_coremltools(model)
    np.save(tmp_path / "x.npy", np.ones((2, 5), np.float32))
    assert run_model(model, [tmp_path / "x.npy"], tmp_path / "out")["p"].dtype == np.float16


@pytest.mark.parametrize("extra,message", [
    (["--output-spec", "a", "--output-spec", "b", "--output-spec", "c"], "3 outputs are named"),
    (["--output-spec", "a", "--output-spec", "a"], "two outputs are named 'a'"),
    (["--output-spec", "x"], "already the name of an input"),
    (["--output-spec", "p:int64"], "unknown dtype 'int64'"),
    (["--output-spec", "9p"], "not a valid output name"),
])
def test_bad_output_specs_are_refused(tmp_path, extra, message):
    save(TwoOutputs(), tmp_path / "two.pt")
    line = error_line(convert(tmp_path / "two.pt", tmp_path / "m.mlpackage", inputs=["x:2x5"],
                              extra=extra))
    assert message in line, line


# ---------------------------------------------------------------- ops kept in fp32

class SigmoidNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(16, 32)

    def forward(self, x):
        return torch.sigmoid(self.linear(x) * 4.0)


def mil_op_dtypes(model, op_type):
    """The dtype names of the outputs of every `op_type` op in the main function."""
    from coremltools.proto import MIL_pb2

    spec = spec_of(model)
    block = spec.mlProgram.functions["main"].block_specializations[
        spec.mlProgram.functions["main"].opset]
    names = {v: k for k, v in MIL_pb2.DataType.items()}
    return [names[op.outputs[0].type.tensorType.dataType] for op in block.operations
            if op.type == op_type]


def test_ops_kept_in_fp32_compute_in_fp32(tmp_path):
    torch.manual_seed(0)
    saved = save(SigmoidNet(), tmp_path / "net.pt")
    # Inputs exactly representable in fp16: the input cast rounds nothing, so what is left of
    # the error comes from the ops computed in fp16.
    x = np.random.default_rng(1).standard_normal((4, 16)).astype(np.float16).astype(np.float32)
    errors = {}
    for variant, extra in {"fp16": [], "kept": ["--fp32-ops", "linear,mul,sigmoid"]}.items():
        model = tmp_path / f"{variant}.mlpackage"
        check_success(convert(tmp_path / "net.pt", model, inputs=["4x16"], precision="fp16",
                              extra=extra))
        validate_with_coremltools(model)
        expected = "FLOAT32" if variant == "kept" else "FLOAT16"
        assert mil_op_dtypes(model, "sigmoid") == [expected]
        assert mil_op_dtypes(model, "linear") == [expected]
        run_dir = tmp_path / variant
        run_dir.mkdir()
        ours = run_and_compare(model, saved, x, run_dir, "fp16", variant)
        with torch.no_grad():
            errors[variant] = np.abs(ours - saved(torch.from_numpy(x)).numpy()).max()
    # The runtime emulates fp16 rounding: the fp16 program is measurably off; with every op kept
    # in fp32 only the final rounding of the output to fp16 is left.
    assert errors["fp16"] > 0
    assert errors["kept"] < errors["fp16"] / 4, errors


# An op the program does not have, and cast, whose fp16 column in src/ir/mil_ops.def is
# FP16_SPECIAL (the fp16 pass handles it itself): each gives one warning naming it.
@pytest.mark.parametrize("ops,warning", [("sigmoid,sofmax", "'sofmax'"),
                                         ("sigmoid,cast", "'cast' cannot be kept in fp32")],
                         ids=["unknown-op", "op-the-fp16-pass-handles"])
def test_fp32_ops_that_cannot_be_kept_are_reported(ops, warning, tmp_path):
    save(SigmoidNet(), tmp_path / "net.pt")
    result = check_success(convert(tmp_path / "net.pt", tmp_path / "m.mlpackage", inputs=["4x16"],
                                   extra=["--fp32-ops", ops]))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and warning in warnings[0], result.stderr


# ---------------------------------------------------------------- metadata

@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
def test_metadata_and_descriptions_are_written(tmp_path, fmt):
    save(TwoOutputs(), tmp_path / "two.pt")
    model = tmp_path / f"meta{fmt}"
    check_success(convert(tmp_path / "two.pt", model, inputs=["x:2x5"], extra=[
        "--author", "Ada", "--license", "MIT", "--short-description", "two heads",
        "--version-string", "1.2.3", "--metadata", "team=vision", "--metadata", "seed=7",
        "--output-spec", "probs", "--description", "x=the logits",
        "--description", "probs=class probabilities", "--description", "output_1=argmax"]))
    spec = spec_of(model)
    meta = spec.description.metadata
    assert (meta.author, meta.license, meta.shortDescription, meta.versionString) == (
        "Ada", "MIT", "two heads", "1.2.3")
    assert meta.userDefined["team"] == "vision" and meta.userDefined["seed"] == "7"
    assert meta.userDefined["ts2coreml.version"]
    assert meta.userDefined["ts2coreml.source_torch_version"].startswith("2.x")
    assert spec.description.input[0].shortDescription == "the logits"
    assert [o.shortDescription for o in spec.description.output] == [
        "class probabilities", "argmax"]


def test_source_torch_version_of_an_old_archive(tmp_path):
    from e2e_helpers import FIXTURE_MODELS

    model = tmp_path / "old.mlpackage"
    check_success(convert(FIXTURE_MODELS / "controlflow_t1.13.pt", model))
    assert spec_of(model).description.metadata.userDefined[
        "ts2coreml.source_torch_version"].startswith("1.x")


def test_description_of_unknown_feature_is_refused(tmp_path):
    save(TwoOutputs(), tmp_path / "two.pt")
    line = error_line(convert(tmp_path / "two.pt", tmp_path / "m.mlpackage", inputs=["x:2x5"],
                              extra=["--description", "nope=text"]))
    assert "'nope'" in line, line


# ---------------------------------------------------------------- flexible real models

FLEXIBLE_REAL_MODELS = ["resnet18", "mobilenet_v2", "densenet121"]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("name", FLEXIBLE_REAL_MODELS)
def test_real_model_with_flexible_size(torchvision_archives, tmp_path, name, how, fmt):
    archive = torchvision_archives / f"{name}_{how}.pt"
    model = tmp_path / f"{name}{fmt}"
    check_success(convert(archive, model, inputs=["x:1x3x(32..128)x(32..128)"], precision="fp32"))
    validate_with_coremltools(model)
    saved = torch.jit.load(str(archive))  # written by torch 1.13, run by this torch
    rng = np.random.default_rng(5)
    for i, (h, w) in enumerate([(32, 32), (48, 80), (128, 128)]):
        run_dir = tmp_path / str(i)
        run_dir.mkdir()
        array = rng.standard_normal((1, 3, h, w)).astype(np.float32)
        run_and_compare(model, saved, array, run_dir, "fp32", f"{name} {how} {h}x{w}")


def test_op_needing_static_sizes_refuses_a_flexible_input(torchvision_archives, tmp_path):
    # VGG's adaptive 7x7 average pool builds its averaging matrices from the input size.
    line = error_line(convert(torchvision_archives / "vgg11_trace.pt", tmp_path / "m.mlpackage",
                              inputs=["x:1x3x(32..128)x(32..128)"]))
    assert "aten::adaptive_avg_pool2d" in line and "flexible input shape" in line, line
    assert not (tmp_path / "m.mlpackage").exists()
