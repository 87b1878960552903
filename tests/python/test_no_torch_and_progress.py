"""torch stays unimported unless the caller passes a torch object; the progress bar is drawn
on a terminal only, and only for conversions longer than a second."""
import functools
import io
import pathlib
import subprocess
import sys

import numpy as np

import models
import ts2coreml as ct
from ts2coreml import _convert, _progress

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "models" / \
    "controlflow_t2.13.pt"

SCRIPT = f"""
import sys
import numpy as np
import ts2coreml as ct
inputs = [ct.TensorType(shape={models.INPUT_SHAPE!r})]
from_path = ct.convert({str(FIXTURE)!r}, inputs=inputs)
with open({str(FIXTURE)!r}, "rb") as archive:
    from_bytes = ct.convert(archive.read(), inputs=inputs, convert_to="neuralnetwork")
x = np.ones({models.INPUT_SHAPE!r}, dtype=np.float32)
for mlmodel in (from_path, from_bytes):
    assert mlmodel.predict({{"x": x}})["output"].shape == {models.INPUT_SHAPE!r}
print("torch imported:", "torch" in sys.modules)
"""


def test_torch_is_not_imported_for_paths_and_bytes(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "torch imported: False"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_after_the_delay(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    # Delay 0: the bar must not depend on how fast this machine converts.
    monkeypatch.setattr(_convert, "ProgressBar", functools.partial(_progress.ProgressBar,
                                                                   delay_seconds=0))
    ct.convert(str(FIXTURE), inputs=[ct.TensorType(shape=models.INPUT_SHAPE)])
    text = terminal.getvalue()
    for stage in ("compile", "lower", "write", "done"):
        assert stage in text
    assert "100%" in text and text.endswith("\n")


def test_no_progress_bar_before_the_delay_or_off_a_terminal(monkeypatch):
    terminal = Terminal()
    bar = _progress.ProgressBar(stream=terminal, delay_seconds=3600)
    bar("compile", 0.0)
    bar("done", 1.0)
    bar.close()
    assert terminal.getvalue() == ""

    pipe = io.StringIO()  # isatty() is False
    monkeypatch.setattr(sys, "stderr", pipe)
    monkeypatch.setattr(_convert, "ProgressBar", functools.partial(_progress.ProgressBar,
                                                                   delay_seconds=0))
    mlmodel = ct.convert(str(FIXTURE), inputs=[ct.TensorType(shape=models.INPUT_SHAPE)])
    assert pipe.getvalue() == ""
    assert mlmodel.predict({"x": np.zeros(models.INPUT_SHAPE, np.float32)})
