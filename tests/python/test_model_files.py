"""Model.save / ts2coreml.load / Model.spec / Model.summary on both formats."""
import numpy as np
import pytest
import torch

import models
import ts2coreml as ct
from coremltools.proto import Model_pb2
from py_helpers import assert_close, torch_output

FORMATS = {"mlprogram": ".mlpackage", "neuralnetwork": ".mlmodel"}


@pytest.fixture(scope="module")
def scripted():
    return models.make_scripted("controlflow", seed=3)


@pytest.fixture(scope="module", params=list(FORMATS))
def converted(request, scripted):
    return ct.convert(scripted, inputs=[ct.TensorType(shape=models.INPUT_SHAPE)],
                      convert_to=request.param, compute_precision=ct.precision.FLOAT32)


def test_save_load_predict_round_trip(converted, scripted, seed_inputs, tmp_path):
    path = tmp_path / ("saved" + FORMATS[converted.convert_to])
    converted.save(path)
    loaded = ct.load(path)
    assert loaded.convert_to == converted.convert_to
    assert loaded.input_description == converted.input_description
    assert loaded.spec == converted.spec
    for kind, x in seed_inputs.items():
        ours = loaded.predict({"x": x})
        np.testing.assert_array_equal(ours["output"], converted.predict({"x": x})["output"])
        assert_close(ours["output"], torch_output(scripted, x), "fp32", kind)
    # Saving again over the existing model replaces it.
    converted.save(str(path))
    assert ct.load(path).spec == converted.spec


def test_save_needs_the_extension_of_the_format(converted, tmp_path):
    other = ".mlmodel" if converted.convert_to == "mlprogram" else ".mlpackage"
    with pytest.raises(RuntimeError, match=f"use a {FORMATS[converted.convert_to]} path"):
        converted.save(tmp_path / ("model" + other))
    with pytest.raises(RuntimeError, match="unknown model format"):
        converted.save(tmp_path / "model.bin")
    assert list(tmp_path.iterdir()) == []


def test_spec_is_a_core_ml_model_message(converted):
    spec = Model_pb2.Model()
    spec.ParseFromString(converted.spec)
    assert [i.name for i in spec.description.input] == ["x"]
    assert [o.name for o in spec.description.output] == ["output"]
    shape = list(spec.description.input[0].type.multiArrayType.shape)
    assert shape == list(models.INPUT_SHAPE)
    expected_kind = "mlProgram" if converted.convert_to == "mlprogram" else "neuralNetwork"
    assert spec.WhichOneof("Type") == expected_kind
    assert spec.specificationVersion == (6 if converted.convert_to == "mlprogram" else 4)


def test_summary_counts_ops_and_control_flow(converted):
    text = converted.summary()
    spec = Model_pb2.Model()
    spec.ParseFromString(converted.spec)
    assert str(spec.specificationVersion) in text
    assert "x: float32 1x3x64x64" in text
    if converted.convert_to == "mlprogram":
        assert "cond: 1" in text and "while_loop: 1" in text and "conv: 1" in text
        assert "control flow: 1 cond, 1 while_loop" in text
    else:
        layers = [layer.WhichOneof("layer") for layer in spec.neuralNetwork.layers]
        assert "branch" in layers and "loop" in layers
        assert "control flow: 1 branch, 1 loop" in text


def test_descriptions(converted):
    x = converted.input_description["x"]
    assert x.dtype == np.float32 and x.shape == models.INPUT_SHAPE
    assert str(x) == "x: float32 1x3x64x64"
    assert converted.output_description["output"].shape == models.INPUT_SHAPE
    assert "mlprogram" in repr(converted) or "neuralnetwork" in repr(converted)


def test_integer_inputs_and_outputs(tmp_path):
    class AddOne(torch.nn.Module):
        def forward(self, x):
            return x + 1

    scripted = torch.jit.script(AddOne())
    mlmodel = ct.convert(scripted, inputs=[ct.TensorType(shape=(2, 3), dtype=np.int32)])
    assert mlmodel.input_description["x"].dtype == np.int32
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = mlmodel.predict({"x": x})["output"]
    np.testing.assert_array_equal(out, scripted(torch.from_numpy(x)).numpy())
