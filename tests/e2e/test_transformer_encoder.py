"""nn.TransformerEncoderLayer and a ViT-style nn.TransformerEncoder in eval mode (torch's fast
path, aten::_transformer_encoder_layer_fwd), scripted and traced, converted to both formats and
compared with torch."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from e2e_helpers import FORMATS, check_module_against_torch


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
    precisions = ("fp32", "fp16") if fmt == ".mlpackage" else ("fp32",)
    check_module_against_torch(module, x, tmp_path, fmt, how, precisions, what=name)


class SelfAttention(nn.Module):
    """nn.MultiheadAttention in eval mode takes the _native_multi_head_attention fast path."""

    def __init__(self, average=True):
        super().__init__()
        self.attention = nn.MultiheadAttention(16, 4, batch_first=True)
        self.average = average

    def forward(self, x):
        out, weights = self.attention(x, x, x, average_attn_weights=self.average)
        return out, weights


@pytest.mark.parametrize("how", ["script", "trace"])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f[1:])
@pytest.mark.parametrize("average", [True, False], ids=["averaged", "per_head"])
def test_multi_head_attention_matches_torch(tmp_path, average, fmt, how):
    torch.manual_seed(0)
    module = SelfAttention(average).eval()
    x = torch.from_numpy(np.random.default_rng(6).standard_normal((2, 7, 16)).astype(np.float32))
    precisions = ("fp32", "fp16") if fmt == ".mlpackage" else ("fp32",)
    check_module_against_torch(module, x, tmp_path, fmt, how, precisions, what="attention")
