"""coremltools reads the ML programs we write: structure, types and weights.

Packages come from two places:
  * the C++ round-trip test (unit_backends, MLProgramRoundTrip.*), run here with
    TS2COREML_ARTIFACTS_DIR set so it leaves its packages behind. The executable is taken from
    TS2COREML_UNIT_BACKENDS, else <TS2COREML_BUILD_DIR>/unit_backends, else the newest
    <repo>/build*/unit_backends;
  * any extra packages listed in TS2COREML_MLPACKAGES (os.pathsep-separated), e.g. CLI output.
Not finding the executable is a failure, not a skip.

For each package: coremltools opens it through Apple's ModelPackage code (manifest validation),
and its milproto loader rebuilds the MIL program, which type-checks every op against Apple's op
definitions and reads every blob-file const through Apple's weight.bin reader.
"""
import os
import pathlib
import subprocess

import pytest

from conftest import REPO_ROOT


def _unit_backends():
    explicit = os.environ.get("TS2COREML_UNIT_BACKENDS")
    if explicit:
        return pathlib.Path(explicit)
    build_dir = os.environ.get("TS2COREML_BUILD_DIR")
    if build_dir:
        return pathlib.Path(build_dir) / "unit_backends"
    candidates = sorted(REPO_ROOT.glob("build*/unit_backends"), key=lambda p: p.stat().st_mtime)
    return candidates[-1] if candidates else None


def _packages(tmp_dir):
    executable = _unit_backends()
    if executable is None or not executable.exists():
        pytest.fail("unit_backends not found: build it, or set TS2COREML_UNIT_BACKENDS / TS2COREML_BUILD_DIR")
    env = dict(os.environ, TS2COREML_ARTIFACTS_DIR=str(tmp_dir))
    run = subprocess.run(
        [str(executable), "--gtest_filter=MLProgramRoundTrip.*"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, f"{executable} failed:\n{run.stdout}\n{run.stderr}"
    packages = sorted(tmp_dir.glob("*.mlpackage"))
    assert packages, f"{executable} wrote no package into {tmp_dir}"
    extra = os.environ.get("TS2COREML_MLPACKAGES", "")
    packages += [pathlib.Path(p) for p in extra.split(os.pathsep) if p]
    return packages


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    return _packages(tmp_path_factory.mktemp("artifacts"))


def _proto_op_types(block, found):
    for op in block.operations:
        found.append(op.type)
        for inner in op.blocks:
            _proto_op_types(inner, found)
    return found


def _pymil_op_types(block, found):
    for op in block.operations:
        found.append(op.op_type)
        for inner in op.blocks:
            _pymil_op_types(inner, found)
    return found


def test_coremltools_rebuilds_every_program(packages):
    import coremltools as ct
    from coremltools.converters.mil.frontend.milproto import load as milproto

    for path in packages:
        model = ct.models.MLModel(str(path), skip_model_load=True)
        spec = model.get_spec()
        assert spec.WhichOneof("Type") == "mlProgram", path
        assert spec.specificationVersion >= 6, path
        program = milproto.load(spec, spec.specificationVersion, file_weights_dir=model.weights_dir)
        main = program.functions["main"]

        # The model interface and the program agree.
        described_inputs = [f.name for f in spec.description.input]
        assert described_inputs == list(main.inputs.keys()), path
        described_outputs = [f.name for f in spec.description.output]
        assert described_outputs == [v.name for v in main.outputs], path

        # Every non-const op survived, with its nested blocks (pymil adds consts of its own for
        # defaulted params, so consts are not compared).
        proto_block = spec.mlProgram.functions["main"].block_specializations[
            spec.mlProgram.functions["main"].opset
        ]
        ours = [t for t in _proto_op_types(proto_block, []) if t != "const"]
        theirs = [t for t in _pymil_op_types(main, []) if t != "const"]
        assert ours == theirs, path


def test_round_trip_package_has_control_flow_and_blob_weights(packages):
    import coremltools as ct
    from coremltools.converters.mil.frontend.milproto import load as milproto

    path = next(p for p in packages if p.name == "roundtrip_control_flow.mlpackage")
    model = ct.models.MLModel(str(path), skip_model_load=True)
    spec = model.get_spec()
    program = milproto.load(spec, spec.specificationVersion, file_weights_dir=model.weights_dir)
    ops = _pymil_op_types(program.functions["main"], [])
    assert ops.count("cond") == 1 and ops.count("while_loop") == 1
    # The conv weight was read back from weight.bin by Apple's reader with the values we wrote.
    conv = next(op for op in program.functions["main"].operations if op.op_type == "conv")
    weight = conv.weight.val
    assert weight.shape == (2, 2, 1, 5)
    assert abs(float(weight[1, 0, 0, 3]) - (0.1 * 2 - 0.05 * 0 + 0.02 * 3)) < 1e-6
    metadata = spec.description.metadata.userDefined
    assert "ts2coreml.version" in metadata
