#!/usr/bin/env python3
"""Writes the TorchScript archives timed by bench/bench_convert.sh into OUT_DIR:
  seed.pt   ControlFlowNet(3) from tests/e2e/models.py (input 1x3x64x64)
  large.pt  three Linear(4096, 4096) + ReLU layers, about 200 MB of float32 weights (input 1x4096)
Existing files are kept."""
import sys
import warnings
from pathlib import Path

import torch
import torch.nn as nn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
import models  # noqa: E402

warnings.filterwarnings("ignore")


class LargeLinear(nn.Module):
    def __init__(self, width=4096, depth=3):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return x


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    if not (out / "seed.pt").exists():
        models.make_scripted("controlflow").save(str(out / "seed.pt"))
    if not (out / "large.pt").exists():
        torch.manual_seed(0)
        torch.jit.script(LargeLinear().eval()).save(str(out / "large.pt"))


if __name__ == "__main__":
    main()
