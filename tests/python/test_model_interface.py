"""The coremltools options through the Python API: flexible shapes (RangeDim, EnumeratedShapes),
ImageType inputs, output names and dtypes, deployment targets, ops kept in fp32, and metadata
set on the model (ct's `mlmodel.author = ...`) that survives save and load."""
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import models
import ts2coreml as ct

FP32 = dict(rtol=1e-3, atol=1e-4)


@pytest.fixture(scope="module")
def scripted():
    return models.make_scripted("controlflow")


def torch_output(module, array):
    with torch.no_grad():
        return module(torch.from_numpy(array)).numpy()


@pytest.mark.parametrize("convert_to", ["mlprogram", "neuralnetwork"])
def test_range_dims_run_at_three_shapes_and_refuse_others(scripted, convert_to):
    shape = (1, 3, ct.RangeDim(16, 96, default=32), ct.RangeDim(16, 96, default=32))
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(name="x", shape=shape)],
                         convert_to=convert_to, compute_precision=ct.precision.FLOAT32)
    assert mlmodel.input_description["x"].shape == (1, 3, -1, -1)
    rng = np.random.default_rng(0)
    for h, w in [(16, 16), (33, 80), (96, 96)]:
        for offset in (-0.5, 0.5):  # both branches
            x = (rng.standard_normal((1, 3, h, w)) + offset).astype(np.float32)
            np.testing.assert_allclose(mlmodel.predict({"x": x})["output"],
                                       torch_output(scripted, x), **FP32)
    with pytest.raises(RuntimeError, match=r"1x3x\(16\.\.96\)x\(16\.\.96\)"):
        mlmodel.predict({"x": np.zeros((1, 3, 97, 16), np.float32)})


def test_enumerated_shapes(scripted):
    shapes = ct.EnumeratedShapes([(1, 3, 16, 16), (1, 3, 24, 40)])
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(name="x", shape=shapes)],
                         compute_precision=ct.precision.FLOAT32)
    for shape in [(1, 3, 16, 16), (1, 3, 24, 40)]:
        x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
        np.testing.assert_allclose(mlmodel.predict({"x": x})["output"],
                                   torch_output(scripted, x), **FP32)
    with pytest.raises(RuntimeError, match="1x3x16x16 or 1x3x24x40"):
        mlmodel.predict({"x": np.zeros((1, 3, 24, 24), np.float32)})


class ConvHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3, padding=1)

    def forward(self, x):
        return F.relu(self.conv(x))


@pytest.mark.parametrize("layout", [ct.ColorLayout.RGB, ct.ColorLayout.BGR])
@pytest.mark.parametrize("convert_to", ["mlprogram", "neuralnetwork"])
def test_image_input_matches_explicit_preprocessing(layout, convert_to):
    torch.manual_seed(0)
    scripted = torch.jit.script(ConvHead().eval())
    scale, bias = 1 / 255.0, [-0.4, -0.5, -0.6]
    mlmodel = ct.convert(scripted, inputs=[ct.ImageType(name="image", shape=(1, 3, 12, 16),
                                                        scale=scale, bias=bias,
                                                        color_layout=layout)],
                         convert_to=convert_to, compute_precision=ct.precision.FLOAT32)
    assert mlmodel.input_description["image"].color_layout == layout.value
    pixels = np.random.default_rng(2).integers(0, 256, (12, 16, 3), dtype=np.uint8)
    ordered = pixels if layout is ct.ColorLayout.RGB else pixels[:, :, ::-1]
    tensor = (scale * ordered.transpose(2, 0, 1)[None].astype(np.float32)
              + np.array(bias, np.float32)[None, :, None, None]).astype(np.float32)
    np.testing.assert_allclose(mlmodel.predict({"image": pixels})["output"],
                               torch_output(scripted, tensor), **FP32)


class TwoOutputs(nn.Module):
    def forward(self, x):
        return torch.sigmoid(x), torch.floor(x * 4.0)


def test_outputs_are_named_and_cast():
    scripted = torch.jit.script(TwoOutputs())
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=(2, 3))],
                         outputs=[ct.TensorType(name="probs"),
                                  ct.TensorType(name="bucket", dtype=np.int32)],
                         minimum_deployment_target=ct.target.iOS17)
    assert list(mlmodel.output_description) == ["probs", "bucket"]
    x = np.random.default_rng(3).standard_normal((2, 3)).astype(np.float32)
    result = mlmodel.predict({"x": x})
    assert result["bucket"].dtype == np.int32
    np.testing.assert_array_equal(result["bucket"], np.floor(x * 4).astype(np.int32))


@pytest.mark.parametrize("chosen,version", [(ct.target.iOS13, 4), (ct.target.iOS14, 5),
                                            (ct.target.iOS16, 7), (ct.target.iOS17, 8),
                                            (ct.target.iOS18, 9)])
def test_deployment_target_sets_the_specification_version(scripted, seed_inputs, chosen,
                                                          version):
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=models.INPUT_SHAPE)],
                         minimum_deployment_target=chosen)
    assert f"specification version {version}" in mlmodel.summary() or (
        f"specificationVersion: {version}" in mlmodel.summary())
    x = seed_inputs["neg"]
    tolerance = dict(rtol=0, atol=3e-2 * max(1, np.abs(torch_output(scripted, x)).max()))
    np.testing.assert_allclose(mlmodel.predict({"x": x})["output"], torch_output(scripted, x),
                               **tolerance)


def test_fp32_ops_reduce_the_fp16_error():
    torch.manual_seed(0)
    scripted = torch.jit.script(nn.Sequential(nn.Linear(16, 32), nn.Sigmoid()).eval())
    x = np.random.default_rng(4).standard_normal((4, 16)).astype(np.float16).astype(np.float32)
    reference = torch_output(scripted, x)
    errors = {}
    for variant, ops in {"fp16": None, "kept": ["linear", "sigmoid"]}.items():
        mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=(4, 16))], fp32_ops=ops)
        errors[variant] = np.abs(mlmodel.predict({"input": x})["output"] - reference).max()
    assert 0 < errors["kept"] * 4 < errors["fp16"], errors


def test_metadata_set_on_the_model_survives_save_and_load(scripted, tmp_path):
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=models.INPUT_SHAPE)])
    assert mlmodel.user_defined_metadata["ts2coreml.source_torch_version"] == torch.__version__
    mlmodel.author = "Ada"
    mlmodel.license = "MIT"
    mlmodel.short_description = "control flow"
    mlmodel.version = "2.0"
    mlmodel.user_defined_metadata["team"] = "vision"
    mlmodel.input_description["x"] = "an image tensor"
    mlmodel.output_description["output"] = "features"
    mlmodel.save(tmp_path / "m.mlpackage")
    loaded = ct.load(tmp_path / "m.mlpackage")
    assert (loaded.author, loaded.license, loaded.short_description, loaded.version) == (
        "Ada", "MIT", "control flow", "2.0")
    assert loaded.user_defined_metadata["team"] == "vision"
    assert loaded.input_description["x"].description == "an image tensor"
    assert loaded.output_description["output"].description == "features"
    # Changing a loaded model never touches the file it came from.
    loaded.author = "Bob"
    assert ct.load(tmp_path / "m.mlpackage").author == "Ada"
    with pytest.raises(KeyError):
        mlmodel.input_description["nope"] = "text"
