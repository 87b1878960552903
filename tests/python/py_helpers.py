"""Comparison with torch, with the tolerances of the end-to-end suite (README "Tests")."""
import numpy as np
import torch


def tolerance(reference, precision):
    peak = float(np.max(np.abs(reference))) if reference.size else 0.0
    if precision == "fp32":
        return 1e-4 + 1e-3 * peak
    return 3e-2 * max(1.0, peak)


def assert_close(ours, reference, precision, what=""):
    assert ours.shape == reference.shape, f"{what}: shape {ours.shape} != {reference.shape}"
    error = float(np.max(np.abs(ours.astype(np.float64) - reference.astype(np.float64))))
    limit = tolerance(reference, precision)
    assert error <= limit, f"{what}: max error {error} > {limit}"


def torch_output(module, array):
    with torch.no_grad():
        return module(torch.from_numpy(array)).numpy()
