"""The two TorchScript examples of coremltools' documentation, with ts2coreml in place of
coremltools: ControlFlowNet (a scripted module) and ControlFlowNet2 (its loop body traced).
Each converted model is run on an input taking each branch (negative mean: two loop
iterations, positive mean: one) and compared with the scripted model."""
import numpy as np
import pytest
import torch

import models
import ts2coreml as ct
from py_helpers import assert_close, torch_output


def documentation_conversion(model_class, **options):
    # As in the documentation: instantiate, script, convert with the input shape.
    model = model_class(num_channels=3)
    scripted_model = torch.jit.script(model)
    mlmodel = ct.convert(scripted_model, inputs=[ct.TensorType(shape=(1, 3, 64, 64))], **options)
    return scripted_model, mlmodel


CASES = [
    ({}, "fp16"),  # the documentation's call: ML Program, fp16 compute (coremltools' default)
    ({"compute_precision": ct.precision.FLOAT32}, "fp32"),
    ({"convert_to": "neuralnetwork"}, "fp32"),
]


@pytest.mark.parametrize("options,precision", CASES, ids=["mlprogram", "mlprogram-fp32", "nn"])
@pytest.mark.parametrize("model_class", [models.ControlFlowNet, models.ControlFlowNet2])
def test_documentation_example_matches_torch_on_both_branches(model_class, options, precision,
                                                              seed_inputs):
    torch.manual_seed(0)
    scripted_model, mlmodel = documentation_conversion(model_class, **options)
    assert list(mlmodel.input_description) == ["x"]
    assert list(mlmodel.output_description) == ["output"]
    for kind, x in seed_inputs.items():
        reference = torch_output(scripted_model, x)
        ours = mlmodel.predict({"x": x})["output"]
        assert ours.dtype == np.float32
        assert_close(ours, reference, precision, f"{model_class.__name__} {kind}")
        # The branch matters: one loop iteration more or less gives a different result.
        other_count = 3 - models.expected_loop_count(x)
        other = models.run_loop_body(scripted_model, torch.from_numpy(x), other_count).numpy()
        assert np.max(np.abs(other - reference)) > 10 * (np.max(np.abs(ours - reference)) + 1e-6)


def test_script_function_converts(seed_inputs):
    @torch.jit.script
    def scale_positive(x):
        if bool(x.mean() > 0):
            return torch.relu(x) * 2.0
        return x - 1.0

    mlmodel = ct.convert(scale_positive, inputs=[ct.TensorType(shape=(1, 3, 64, 64))],
                         compute_precision=ct.precision.FLOAT32)
    for kind, x in seed_inputs.items():
        reference = scale_positive(torch.from_numpy(x)).numpy()
        assert_close(mlmodel.predict({"x": x})["output"], reference, "fp32", kind)
