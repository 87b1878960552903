"""Bad arguments raise ValueError, options the core does not support NotImplementedError,
and conversion or runtime failures RuntimeError with the C++ one-line diagnostic."""
import numpy as np
import pytest
import torch

import models
import ts2coreml as ct

SHAPE = models.INPUT_SHAPE


@pytest.fixture(scope="module")
def scripted():
    return models.make_scripted("controlflow")


@pytest.fixture(scope="module")
def mlmodel(scripted):
    return ct.convert(scripted, inputs=[ct.TensorType(shape=SHAPE)])


@pytest.mark.parametrize("shape", ["1x3x64x64", 64, (1, 3, 0, 64), (1, 3.5), (1, True)])
def test_wrong_shape_type_is_a_value_error(shape):
    with pytest.raises(ValueError, match="shape"):
        ct.TensorType(shape=shape)


@pytest.mark.parametrize("dtype", ["float7", np.complex64, object, "uint8"])
def test_unknown_dtype_is_a_value_error(dtype):
    with pytest.raises(ValueError, match="unknown dtype"):
        ct.TensorType(shape=SHAPE, dtype=dtype)


def test_argument_errors(scripted):
    inputs = [ct.TensorType(shape=SHAPE)]
    with pytest.raises(ValueError, match="inputs: required"):
        ct.convert(scripted)
    with pytest.raises(ValueError, match=r"inputs\[0\]: expected a ts2coreml.TensorType"):
        ct.convert(scripted, inputs=[SHAPE])
    with pytest.raises(ValueError, match=r"inputs\[0\]: shape is required"):
        ct.convert(scripted, inputs=[ct.TensorType()])
    with pytest.raises(ValueError, match="convert_to: unknown model format 'coreml'"):
        ct.convert(scripted, inputs=inputs, convert_to="coreml")
    with pytest.raises(ValueError, match="compute_precision"):
        ct.convert(scripted, inputs=inputs, compute_precision="fp8")
    with pytest.raises(ValueError, match="needs minimum_deployment_target iOS15"):
        ct.convert(scripted, inputs=inputs, convert_to="mlprogram",
                   minimum_deployment_target=ct.target.iOS14)
    with pytest.raises(ValueError, match="scripted or traced first"):
        ct.convert(models.ControlFlowNet(3), inputs=inputs)
    with pytest.raises(ValueError, match="model: expected"):
        ct.convert(12, inputs=inputs)


def test_options_not_supported(scripted):
    def convert(**options):
        options.setdefault("inputs", [ct.TensorType(shape=SHAPE)])
        return ct.convert(scripted, **options)

    with pytest.raises(NotImplementedError, match="default_value"):
        convert(inputs=[ct.TensorType(shape=SHAPE, default_value=np.zeros(SHAPE))])
    with pytest.raises(NotImplementedError, match="ImageType outputs"):
        convert(outputs=[ct.ImageType(name="y")])
    with pytest.raises(ValueError, match="iOS26 is not supported"):
        convert(minimum_deployment_target=ct.target.iOS26)
    with pytest.raises(ValueError, match="not one of the enumerated shapes"):
        convert(inputs=[ct.TensorType(shape=ct.EnumeratedShapes([(1, 3, 64, 64), (1, 3, 32, 32)],
                                                                default=(1, 3, 16, 16)))])
    with pytest.raises(ValueError, match="outputs can be"):
        convert(outputs=[ct.TensorType(name="y", dtype=np.int64)])
    with pytest.raises(ValueError, match="fp32_ops"):
        convert(fp32_ops="softmax")
    with pytest.raises(RuntimeError, match="1x3xHxW"):
        convert(inputs=[ct.ImageType(shape=(1, 4, 64, 64))])


def test_deployment_target_picks_the_format(scripted):
    inputs = [ct.TensorType(shape=SHAPE)]
    assert ct.convert(scripted, inputs=inputs,
                      minimum_deployment_target=ct.target.iOS13).convert_to == "neuralnetwork"
    assert ct.convert(scripted, inputs=inputs,
                      minimum_deployment_target=ct.target.iOS15).convert_to == "mlprogram"


def test_missing_file_is_a_runtime_error_naming_it(tmp_path):
    missing = tmp_path / "absent.pt"
    with pytest.raises(RuntimeError, match=f"{missing}: cannot open: No such file"):
        ct.convert(missing, inputs=[ct.TensorType(shape=SHAPE)])
    with pytest.raises(RuntimeError, match="absent.mlpackage"):
        ct.load(tmp_path / "absent.mlpackage")


def test_bytes_that_are_no_archive():
    with pytest.raises(RuntimeError, match="<archive bytes>: not a zip archive"):
        ct.convert(b"not an archive", inputs=[ct.TensorType(shape=SHAPE)])


class Unsupported(torch.nn.Module):
    def forward(self, x):
        return torch.fft.fft(x).real


def test_unsupported_op_names_the_op_and_python_line():
    scripted = torch.jit.script(Unsupported())
    with pytest.raises(RuntimeError) as error:
        ct.convert(scripted, inputs=[ct.TensorType(shape=(2, 3))])
    message = str(error.value)
    assert "\n" not in message
    assert "aten::fft_fft" in message
    assert "test_errors.py:" in message  # the Python file:line from the archive's debug records


def test_wrong_input_rank_is_reported_at_the_op(scripted):
    with pytest.raises(RuntimeError, match="conv"):
        ct.convert(scripted, inputs=[ct.TensorType(shape=(3, 64))])


def test_predict_argument_errors(mlmodel):
    x = np.zeros(SHAPE, dtype=np.float32)
    with pytest.raises(ValueError, match="expected a dict"):
        mlmodel.predict(x)
    with pytest.raises(ValueError, match="missing input 'x'"):
        mlmodel.predict({})
    with pytest.raises(ValueError, match="unknown input 'y'"):
        mlmodel.predict({"x": x, "y": x})
    with pytest.raises(ValueError, match="dtype"):
        mlmodel.predict({"x": np.array(["a"] * 4)})
    with pytest.raises(RuntimeError, match="shape"):
        mlmodel.predict({"x": np.zeros((1, 3, 8, 8), dtype=np.float32)})
    # Another numeric dtype is cast, as the runtime documents.
    ours = mlmodel.predict({"x": x.astype(np.float64)})["output"]
    np.testing.assert_array_equal(ours, mlmodel.predict({"x": x})["output"])
