#!/usr/bin/env python3
"""coremltools' own converter on a TorchScript archive, for comparison in bench_convert.sh.
Usage: coremltools_convert.py ARCHIVE SHAPE OUTPUT.mlpackage|OUTPUT.mlmodel (input named x)."""
import sys
import warnings

warnings.filterwarnings("ignore")
import coremltools as ct  # noqa: E402
import torch  # noqa: E402

archive, shape, output = sys.argv[1], tuple(int(d) for d in sys.argv[2].split("x")), sys.argv[3]
kind = "mlprogram" if output.endswith(".mlpackage") else "neuralnetwork"
extra = {} if kind == "mlprogram" else {"minimum_deployment_target": ct.target.iOS13}
model = ct.convert(torch.jit.load(archive), convert_to=kind,
                   inputs=[ct.TensorType(name="x", shape=shape)], **extra)
model.save(output)
