#!/usr/bin/env python3
"""Writes static_while_<N>.pt into OUT_DIR for each N given: a scripted module whose forward runs
`while i < N: i = i + 1` on a Python int, a loop the converter unrolls at conversion time (one
add and a few constants per iteration), timed by bench/bench_static_while.sh. Input 1x4.
Existing files are kept. Usage: make_static_while.py OUT_DIR N..."""
import importlib.util
import sys
import warnings
from pathlib import Path

import torch

warnings.filterwarnings("ignore")

# TorchScript reads a module's source from its file, so each N gets a small module file.
SOURCE = '''import torch


class StaticWhile(torch.nn.Module):
    def forward(self, x):
        i = 0
        while i < {n}:
            i = i + 1
        return x + i
'''


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for n in map(int, sys.argv[2:]):
        archive = out / f"static_while_{n}.pt"
        if archive.exists():
            continue
        source = out / f"static_while_{n}.py"
        source.write_text(SOURCE.format(n=n))
        spec = importlib.util.spec_from_file_location(f"static_while_{n}", source)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        torch.jit.script(module.StaticWhile().eval()).save(str(archive))


if __name__ == "__main__":
    main()
