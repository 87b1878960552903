"""convert(): hands the archive bytes (or path) and the options to the C++ core."""
import io
import os
import sys

from . import _core, _options
from ._model import Model
from ._progress import ProgressBar


def _torch_archive(model):
    """torch.jit.save of a ScriptModule/ScriptFunction into memory, or None for other objects.

    torch is only looked up in sys.modules: whoever passes a torch object has imported it.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    if isinstance(model, (torch.jit.ScriptModule, torch.jit.ScriptFunction)):
        buffer = io.BytesIO()
        torch.jit.save(model, buffer)
        return buffer.getbuffer()
    if isinstance(model, torch.nn.Module):
        raise ValueError("model: a torch.nn.Module must be scripted or traced first "
                         "(torch.jit.script(model) or torch.jit.trace(model, example))")
    return None


def _torch_version(model):
    """torch.__version__ when `model` is a torch object (recorded in the model's metadata)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, (torch.jit.ScriptModule, torch.jit.ScriptFunction)):
        return str(torch.__version__)
    return ""


def _run_core(model, options, progress):
    if isinstance(model, (str, os.PathLike)):
        return _core.convert_path(os.fspath(model), options, progress)
    if isinstance(model, (bytes, bytearray, memoryview)):
        return _core.convert_bytes(model, "<archive bytes>", options, progress)
    archive = _torch_archive(model)
    if archive is None:
        raise ValueError(f"model: expected a torch.jit.ScriptModule, ScriptFunction, a path to a "
                         f"TorchScript archive or its bytes, got {type(model).__name__}")
    name = f"<{type(model).__name__} saved by torch.jit.save>"
    with archive:
        return _core.convert_bytes(archive, name, options, progress)


def convert(model, inputs=None, outputs=None, convert_to=None, minimum_deployment_target=None,
            compute_precision=None, fp32_ops=None, constants=None, method=None):
    """Converts a TorchScript model into a Core ML model (as coremltools.convert).

    model: a torch.jit.ScriptModule or ScriptFunction, a path to an archive written by
        torch.jit.save, or that archive's bytes.
    inputs: one ts2coreml.TensorType or ImageType per forward() input, with its shape (ints,
        RangeDim, or EnumeratedShapes) and dtype (default float32); unnamed ones take the
        forward() parameter's name.
    outputs: ts2coreml.TensorType(name=..., dtype=...) per output in order, to name the outputs
        or cast them (float32, float16 from iOS16, int32); default names "output" or
        "output_0", "output_1", ...
    convert_to: "mlprogram" (.mlpackage, the default) or "neuralnetwork" (.mlmodel).
    minimum_deployment_target: a ts2coreml.target (iOS13 ... iOS18); picks the format when
        convert_to is None. Default: iOS15 for an ML Program, iOS13 for a neural network.
    compute_precision: ts2coreml.precision.FLOAT16 (the ML Program default) or FLOAT32.
    fp32_ops: MIL op types computed in fp32 in an fp16 ML Program (e.g. ["softmax"]).
    constants: {parameter name: value} for forward() parameters that are no tensors (None, bool,
        int, float, str), fixed at conversion (e.g. {"sr": 16000}).
    method: the module's method to convert instead of forward. To convert a submodule, pass it
        (e.g. model.encoder): torch.jit.save writes it as a module of its own.
    Outputs: a tuple is flattened in order (output_0, output_1, ...); a dict's entries are named
        by their keys, with "_" and the index for items of tuples inside (past_key_values_0_1).

    Raises ValueError for bad arguments, NotImplementedError for options not supported and
    RuntimeError with the converter's one-line diagnostic when the model cannot be converted.
    """
    options = _options.core_options(inputs, outputs, convert_to, minimum_deployment_target,
                                    compute_precision, fp32_ops, _torch_version(model),
                                    constants=constants, method=method)
    progress = ProgressBar()
    try:
        core_model = _run_core(model, options, progress if progress.enabled else None)
    finally:
        progress.close()
    return Model(core_model)
