"""Our neural network .mlmodel files as coremltools sees them.

Runs the neural network backend tests of the unit_backends binary with TS2COREML_ARTIFACTS_DIR set
(they then keep the .mlmodel files they write), and checks every file with coremltools: it loads
as an MLModel, parses with coremltools' own Model_pb2 (Apple's schema), and has the structure a
control-flow model needs (spec >= 4, EXACT_ARRAY_MAPPING, branch / loop layers where expected,
layer names unique, every layer kind set).

The binary is found through $TS2COREML_BUILD_DIR, else the newest build*/unit_backends in the repo.
"""
import os
import subprocess

import pytest

from conftest import REPO_ROOT


def _unit_backends():
    build_dir = os.environ.get("TS2COREML_BUILD_DIR")
    candidates = [os.path.join(build_dir, "unit_backends")] if build_dir else [
        str(p) for p in REPO_ROOT.glob("build*/unit_backends")
    ]
    candidates = [c for c in candidates if os.access(c, os.X_OK)]
    if not candidates:
        pytest.skip("unit_backends is not built (set TS2COREML_BUILD_DIR)")
    return max(candidates, key=os.path.getmtime)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    out = tmp_path_factory.mktemp("nn_models")
    env = dict(os.environ, TS2COREML_ARTIFACTS_DIR=str(out))
    result = subprocess.run([_unit_backends(), "--gtest_filter=*NN*"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    models = {p.stem: p for p in out.glob("*.mlmodel")}
    assert models, "the neural network tests wrote no .mlmodel"
    return models


def _layers(network):
    """Every layer of `network` and of the networks nested in branch / loop layers."""
    for layer in network.layers:
        yield layer
        kind = layer.WhichOneof("layer")
        if kind == "branch":
            yield from _layers(layer.branch.ifBranch)
            yield from _layers(layer.branch.elseBranch)
        elif kind == "loop":
            yield from _layers(layer.loop.conditionNetwork)
            yield from _layers(layer.loop.bodyNetwork)


def _spec(path):
    import coremltools as ct
    from coremltools.proto import Model_pb2

    ct.models.MLModel(str(path), skip_model_load=True)  # coremltools accepts the file
    spec = Model_pb2.Model()
    spec.ParseFromString(path.read_bytes())
    return spec


def test_every_model_loads_in_coremltools(artifacts):
    from coremltools.proto import NeuralNetwork_pb2

    for name, path in artifacts.items():
        spec = _spec(path)
        assert spec.WhichOneof("Type") == "neuralNetwork", name
        assert spec.specificationVersion >= 4, name
        nn = spec.neuralNetwork
        assert nn.arrayInputShapeMapping == NeuralNetwork_pb2.EXACT_ARRAY_MAPPING, name
        assert nn.imageInputShapeMapping == NeuralNetwork_pb2.RANK4_IMAGE_MAPPING, name
        for feature in spec.description.input:
            assert feature.type.multiArrayType.dataType == 65568, (name, feature.name)  # FLOAT32
        for feature in spec.description.output:
            # FLOAT32, or INT32 for an integer output (Core ML converts the float blob)
            assert feature.type.multiArrayType.dataType in (65568, 131104), (name, feature.name)
        layers = list(_layers(nn))
        assert all(layer.WhichOneof("layer") for layer in layers), name
        names = [layer.name for layer in layers]
        assert len(names) == len(set(names)), f"{name}: duplicate layer names"


def test_control_flow_model_has_branch_and_loop(artifacts):
    for name in ("nn_control_flow", "nn_control_flow_fp16"):
        assert name in artifacts, sorted(artifacts)
        spec = _spec(artifacts[name])
        kinds = [layer.WhichOneof("layer") for layer in spec.neuralNetwork.layers]
        assert "branch" in kinds and "loop" in kinds, kinds
        loop = next(layer.loop for layer in spec.neuralNetwork.layers if layer.WhichOneof("layer") == "loop")
        assert loop.conditionVar and len(loop.conditionNetwork.layers) > 0
        body_kinds = [layer.WhichOneof("layer") for layer in loop.bodyNetwork.layers]
        assert "convolution" in body_kinds and body_kinds[-1] == "copy", body_kinds
        conv = next(layer.convolution for layer in loop.bodyNetwork.layers if layer.WhichOneof("layer") == "convolution")
        if name.endswith("fp16"):
            assert len(conv.weights.float16Value) == 2 * 3 * 3 * 3 * 3 and not conv.weights.floatValue
        else:
            assert len(conv.weights.floatValue) == 3 * 3 * 3 * 3
        assert [o.name for o in spec.description.output] == ["y", "iterations"]


def test_cond_nested_in_loop_body(artifacts):
    spec = _spec(artifacts["nn_cond_in_loop"])
    loop = next(layer.loop for layer in spec.neuralNetwork.layers if layer.WhichOneof("layer") == "loop")
    assert any(layer.WhichOneof("layer") == "branch" for layer in loop.bodyNetwork.layers)
