"""nn.TransformerEncoderLayer and a ViT-style nn.TransformerEncoder in eval mode (torch's fast
path, aten::_transformer_encoder_layer_fwd), scripted and traced, converted to both formats and
compared with torch."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from e2e_helpers import FORMATS, assert_close, check_success, convert, run_model


def encoder_layer():
    return nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)


def gelu_norm_first_layer():
    return nn.TransformerEncoderLayer(16, 2, 24, batch_first=True, activation="gelu",
                                      norm_first=True)


def vit_encoder():
    return nn.TransformerEncoder(encoder_layer(), 3, enable_nested_tensor=False)


MODELS = {"layer": encoder_layer, "gelu_norm_first": gelu_norm_first_layer, "encoder": vit_encoder}


@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_encoder_matches_torch(tmp_path, name, fmt, how):
    torch.manual_seed(0)
    module = MODELS[name]().eval()
    x = torch.from_numpy(np.random.default_rng(5).standard_normal((2, 7, 16)).astype(np.float32))
    with torch.no_grad():
        saved = torch.jit.script(module) if how == "script" else torch.jit.trace(module, (x,))
        reference = saved(x).numpy()
    archive = tmp_path / "encoder.pt"
    saved.save(str(archive))
    np.save(tmp_path / "x.npy", x.numpy())
    for precision in ("fp32", "fp16") if fmt == ".mlpackage" else ("fp32",):
        model = tmp_path / f"encoder_{precision}{fmt}"
        check_success(convert(archive, model, inputs=["2x7x16"], precision=precision))
        ours = run_model(model, [tmp_path / "x.npy"], tmp_path / f"out_{precision}")["output"]
        assert_close(ours, reference, precision, f"{name} {how} {precision}")
