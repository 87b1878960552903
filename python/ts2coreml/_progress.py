"""The progress bar of long conversions: on stderr, only when it is a terminal, and only once a
conversion has run for more than a second (short conversions print nothing)."""
import sys
import time

_WIDTH = 30


class ProgressBar:
    """Called by the C++ core at the start of each stage with the fraction of stages done."""

    def __init__(self, stream=None, delay_seconds=1.0):
        self._stream = stream if stream is not None else sys.stderr
        self._start = time.monotonic()
        self._delay = delay_seconds
        self._drawn = False
        try:
            self.enabled = bool(self._stream.isatty())
        except (AttributeError, ValueError):  # no isatty, or a closed stream
            self.enabled = False

    def __call__(self, stage, fraction_done):
        if not self.enabled:
            return
        if not self._drawn and time.monotonic() - self._start < self._delay:
            return
        filled = int(round(fraction_done * _WIDTH))
        bar = "#" * filled + "-" * (_WIDTH - filled)
        self._stream.write(f"\rts2coreml [{bar}] {fraction_done:4.0%} {stage:<8}")
        self._drawn = True
        if fraction_done >= 1.0:
            self.close()
        self._stream.flush()

    def close(self):
        """Ends the bar's line (also after a failed conversion)."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
            self.enabled = False
