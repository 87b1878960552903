#!/usr/bin/env python3
"""Saves torchvision classification models (random weights, no download), scripted and traced,
with an input and torch's output, for tests/e2e/test_torchvision_models.py:

    /usr/bin/python3 tests/e2e/torchvision_models.py OUT NAME...

Runs with Debian's python3-torchvision (torch 1.13): PyPI's torchvision does not import beside
torch 2.13. Batch-norm statistics and affine parameters are randomised and the classifier weights
scaled up, so that the outputs are not all close to zero (as they are with the default init),
which would make the comparison meaningless.
"""
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torchvision

SIZE = (1, 3, 64, 64)


def randomised(name):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)()
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.uniform_(-0.2, 0.2, generator=generator)
                module.running_mean.uniform_(-0.1, 0.1, generator=generator)
                module.running_var.uniform_(0.5, 1.5, generator=generator)
            elif isinstance(module, nn.Linear):
                module.weight.mul_(10.0)
    return model.eval()


def main(out, names):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    x = torch.from_numpy(np.random.default_rng(0).standard_normal(SIZE).astype(np.float32))
    np.save(out / "input.npy", x.numpy())
    for name in names:
        model = randomised(name)
        with torch.no_grad():
            for how, saved in (("script", torch.jit.script(model)),
                               ("trace", torch.jit.trace(model, (x,)))):
                saved.save(str(out / f"{name}_{how}.pt"))
                np.save(out / f"{name}_{how}.npy", saved(x).numpy())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
