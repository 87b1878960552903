"""coremltools reads what we write (structure side of the verification triangle).

Every model file produced for the seed tests (and for the committed torch 1.13 archives) is
opened with coremltools.models.MLModel(path, skip_model_load=True):

* .mlpackage: coremltools' milproto loader
  (coremltools.converters.mil.frontend.milproto.load.load(model_spec, specification_version,
  file_weights_dir)) rebuilds the ML Program as a PyMIL program. That constructs every op
  through coremltools' op definitions, which type-check inputs and infer output types, and reads
  every weight back from weight.bin with coremltools' own blob reader (libmilstoragepython,
  available on Linux). The program is then validated with Program.validate().
* .mlmodel (neural network): coremltools has no Linux-side loader or validator for neural
  networks (that lives in Core ML / libcoremlpython, macOS only). Closest check: parse the spec
  with coremltools' protobuf classes and verify what Core ML's NeuralNetworkValidator checks
  first: spec version >= 4 for control-flow layers, every layer input produced earlier (by a
  model input or a preceding layer, including the nested networks of branch/loop layers), every
  model output produced, and the branch/loop layers present.
"""
import pytest

from e2e_helpers import FIXTURE_MODELS, FORMATS, PRECISIONS

ct = pytest.importorskip("coremltools")
from coremltools.converters.mil.frontend.milproto.load import load as milproto_load  # noqa: E402
from coremltools.converters.mil.mil import types  # noqa: E402

SEED_CASES = [(name, fmt, precision) for name in ("controlflow", "controlflow2")
              for fmt in FORMATS for precision in PRECISIONS]
FIXTURE_CASES = [(stem, fmt) for stem in ("controlflow_t1.13", "controlflow2_t1.13")
                 for fmt in FORMATS]


def all_ops(block):
    for op in block.operations:
        yield op
        for nested in op.blocks:
            yield from all_ops(nested)


def load_program(path):
    model = ct.models.MLModel(str(path), skip_model_load=True)
    spec = model.get_spec()
    assert spec.WhichOneof("Type") == "mlProgram"
    assert spec.specificationVersion >= 6  # the first version with ML Programs
    program = milproto_load(spec, specification_version=spec.specificationVersion,
                            file_weights_dir=model.weights_dir)
    program.validate()
    return spec, program


def check_ml_program(path, precision):
    spec, program = load_program(path)
    main = program.functions["main"]
    ops = list(all_ops(main))
    kinds = {op.op_type for op in ops}
    assert {"cond", "while_loop", "conv", "relu"} <= kinds, sorted(kinds)
    assert list(main.inputs) == ["x"]
    assert tuple(main.inputs["x"].shape) == (1, 3, 64, 64)
    assert main.inputs["x"].dtype == types.fp32  # the model interface stays float32
    assert [var.name for var in main.outputs] == ["output"]
    assert [f.name for f in spec.description.input] == ["x"]
    assert [f.name for f in spec.description.output] == ["output"]
    # The precision option decides the compute precision of the convolution.
    conv_dtypes = {op.outputs[0].dtype for op in ops if op.op_type == "conv"}
    assert conv_dtypes == {types.fp16 if precision == "fp16" else types.fp32}


def layer_inputs_defined(layers, defined, where):
    """Walks NN layers in order like Core ML's validator: inputs must already exist."""
    for layer in layers:
        for name in layer.input:
            assert name in defined, f"{where}: layer '{layer.name}' reads undefined blob '{name}'"
        kind = layer.WhichOneof("layer")
        if kind == "branch":
            layer_inputs_defined(layer.branch.ifBranch.layers, set(defined), f"{where}/if")
            layer_inputs_defined(layer.branch.elseBranch.layers, set(defined), f"{where}/else")
        elif kind == "loop":
            inner = set(defined)
            layer_inputs_defined(layer.loop.conditionNetwork.layers, inner, f"{where}/cond")
            layer_inputs_defined(layer.loop.bodyNetwork.layers, inner, f"{where}/body")
        defined.update(layer.output)
        # Blobs written inside nested networks (copy layers carry loop state) stay visible.
        for nested in nested_networks(layer):
            for inner_layer in all_layers(nested.layers):
                defined.update(inner_layer.output)


def nested_networks(layer):
    kind = layer.WhichOneof("layer")
    if kind == "branch":
        return [layer.branch.ifBranch, layer.branch.elseBranch]
    if kind == "loop":
        return [layer.loop.conditionNetwork, layer.loop.bodyNetwork]
    return []


def all_layers(layers):
    for layer in layers:
        yield layer
        for nested in nested_networks(layer):
            yield from all_layers(nested.layers)


def check_neural_network(path, precision):
    model = ct.models.MLModel(str(path), skip_model_load=True)
    spec = model.get_spec()
    assert spec.WhichOneof("Type") == "neuralNetwork"
    assert spec.specificationVersion >= 4  # control-flow layers need Core ML 3 (spec 4)
    assert [f.name for f in spec.description.input] == ["x"]
    assert list(spec.description.input[0].type.multiArrayType.shape) == [1, 3, 64, 64]
    assert [f.name for f in spec.description.output] == ["output"]
    layers = spec.neuralNetwork.layers
    kinds = {layer.WhichOneof("layer") for layer in all_layers(layers)}
    assert {"branch", "loop", "convolution"} <= kinds, sorted(kinds)
    defined = {f.name for f in spec.description.input}
    layer_inputs_defined(layers, defined, "network")
    for output in spec.description.output:
        assert output.name in defined, f"model output '{output.name}' is never written"
    # --precision fp16 stores the convolution weights as half floats, fp32 as floats.
    for layer in all_layers(layers):
        if layer.WhichOneof("layer") == "convolution":
            weights = layer.convolution.weights
            if precision == "fp16":
                assert len(weights.float16Value) == 2 * 3 * 3 * 3 * 3 and not weights.floatValue
            else:
                assert len(weights.floatValue) == 3 * 3 * 3 * 3 and not weights.float16Value


def check_model(path, fmt, precision):
    if fmt == ".mlpackage":
        check_ml_program(path, precision)
    else:
        check_neural_network(path, precision)


@pytest.mark.parametrize("case", SEED_CASES, ids=lambda c: f"{c[0]}-{c[1][1:]}-{c[2]}")
def test_seed_model_outputs_load_in_coremltools(seed_models, case):
    name, fmt, precision = case
    check_model(seed_models.converted(name, fmt, precision), fmt, precision)


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=lambda c: f"{c[0]}-{c[1][1:]}")
def test_torch113_outputs_load_in_coremltools(conversions, case):
    stem, fmt = case
    precision = "fp32"
    check_model(conversions.get(FIXTURE_MODELS / f"{stem}.pt", fmt, precision), fmt, precision)
