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


def _run_core(model, inputs, convert_to, precision, progress):
    if isinstance(model, (str, os.PathLike)):
        return _core.convert_path(os.fspath(model), inputs, convert_to, precision, progress)
    if isinstance(model, (bytes, bytearray, memoryview)):
        return _core.convert_bytes(model, "<archive bytes>", inputs, convert_to, precision,
                                   progress)
    archive = _torch_archive(model)
    if archive is None:
        raise ValueError(f"model: expected a torch.jit.ScriptModule, ScriptFunction, a path to a "
                         f"TorchScript archive or its bytes, got {type(model).__name__}")
    name = f"<{type(model).__name__} saved by torch.jit.save>"
    with archive:
        return _core.convert_bytes(archive, name, inputs, convert_to, precision, progress)


def convert(model, inputs=None, outputs=None, convert_to=None, minimum_deployment_target=None,
            compute_precision=None):
    """Converts a TorchScript model into a Core ML model (as coremltools.convert).

    model: a torch.jit.ScriptModule or ScriptFunction, a path to an archive written by
        torch.jit.save, or that archive's bytes.
    inputs: one ts2coreml.TensorType per forward() input, with its shape (and dtype, default
        float32); unnamed ones take the forward() parameter's name.
    convert_to: "mlprogram" (.mlpackage, the default) or "neuralnetwork" (.mlmodel).
    minimum_deployment_target: a ts2coreml.target; picks the format when convert_to is None.
    compute_precision: ts2coreml.precision.FLOAT16 (the ML Program default) or FLOAT32.

    Raises ValueError for bad arguments, NotImplementedError for options not supported yet and
    RuntimeError with the converter's one-line diagnostic when the model cannot be converted.
    """
    model_format = _options.model_format(convert_to, minimum_deployment_target)
    core_inputs = _options.core_inputs(inputs)
    _options.check_outputs(outputs)
    precision = _options.core_precision(compute_precision)
    progress = ProgressBar()
    try:
        core_model = _run_core(model, core_inputs, model_format, precision,
                               progress if progress.enabled else None)
    finally:
        progress.close()
    return Model(core_model)
