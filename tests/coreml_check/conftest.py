"""Shared helpers for the checks of our Core ML output against coremltools (test-only dependency)."""
import os
import pathlib
import warnings

# coremltools prints noisy warnings on Linux (no native Core ML framework, untested torch version);
# they say nothing about our files.
os.environ.setdefault("PYTHONWARNINGS", "ignore")
warnings.filterwarnings("ignore")

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
