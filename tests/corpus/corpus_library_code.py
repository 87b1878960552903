"""Constructs that model libraries (timm, transformers) use, written the way those libraries
write them, so a failure in the real-model suite has a small entry that shows the fix. Each
entry names the library code it stands for; the real-model suite (tests/real_models) runs the
libraries themselves.
"""
import math
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

from corpus_entry import entry, normal


def _same_padding(size: int, kernel: int, stride: int, dilation: int) -> int:
    return max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)


def _pad_same(x, kernel: List[int], stride: List[int], value: float = 0.0):
    ih, iw = x.size()[-2:]
    pad_h = _same_padding(ih, kernel[0], stride[0], 1)
    pad_w = _same_padding(iw, kernel[1], stride[1], 1)
    if pad_h > 0 or pad_w > 0:
        x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2],
                  value=value)
    return x


@entry("lib_same_padding", [("x", (1, 3, 9, 10))], {"any": normal(1, 3, 9, 10)})
class SamePadding(nn.Module):
    """timm's TF-style 'same' padding (layers/padding.py pad_same, Conv2dSame, MaxPool2dSame):
    the padding is Python's max() of int arithmetic on the input size, which folds to a constant
    once the input shape is known."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2)

    def forward(self, x):
        y = self.conv(_pad_same(x, [3, 3], [2, 2]))
        pooled = F.max_pool2d(_pad_same(y, [3, 3], [2, 2], value=-float("inf")), 3, 2)
        # min() of ints folds the same way: the smaller of the two spatial sizes.
        side = min(pooled.size(-1), pooled.size(-2))
        return pooled[:, :, :side, :side]


@entry("lib_math_of_sizes", [("x", (2, 16, 3, 5))], {"any": normal(2, 16, 3, 5)})
class MathOfSizes(nn.Module):
    """timm's nest deblockify: `grid = int(math.sqrt(T))` of a size, then a reshape by it; and
    math.log of an int as position-embedding code writes it."""

    def forward(self, x):
        B, T, N, C = x.shape
        grid = int(math.sqrt(T))
        blocks = x.reshape(B, grid, grid, N, C).transpose(2, 3).reshape(B, grid * N, grid, C)
        scale = math.log(T, 2) / math.log10(100.0) + math.exp(0.0)
        return blocks * scale


@entry("lib_scalar_base_pow", [("x", (1, 8, 6))], {"any": normal(1, 8, 6)})
class ScalarBasePow(nn.Module):
    """Sine position encodings (timm's xcit, edgenext): `temperature ** (2 * (d // 2) / dim)` is
    torch.pow(Scalar, Tensor), whose shape follows the tensor; once known, chunk() by it works.
    `2.0 ** x` of the input keeps the same op at run time."""

    def __init__(self):
        super().__init__()
        self.temperature = 10000.0

    def forward(self, x):
        dim_t = torch.arange(8, dtype=torch.float32)
        dim_t = self.temperature ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / 8)
        pos = x / dim_t[:, None]
        first, second = pos.chunk(2, dim=1)
        return torch.cat([first.sin(), second.cos()], 1) + 2.0 ** x


@entry("lib_cat_of_parameters", [("x", (2, 5, 6))], {"any": normal(2, 5, 6)})
class CatOfParameters(nn.Module):
    """beit / swin v2 attention: the qkv bias is torch.cat of two parameters and a zero buffer,
    a list of constants whose shapes the cat's result must know."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(6, 18, bias=False)
        self.q_bias = nn.Parameter(torch.randn(6))
        self.register_buffer("k_bias", torch.zeros(6), persistent=False)
        self.v_bias = nn.Parameter(torch.randn(6))

    def forward(self, x):
        qkv_bias = torch.cat((self.q_bias, self.k_bias, self.v_bias))
        qkv = F.linear(x, self.qkv.weight, qkv_bias).reshape(2, 5, 3, 6).permute(2, 0, 1, 3)
        q, k, v = qkv.unbind(0)
        return torch.softmax(q @ k.transpose(-2, -1), -1) @ v


@entry("lib_attention_bias_index", [("x", (2, 4, 6))], {"any": normal(2, 4, 6)})
class AttentionBiasIndex(nn.Module):
    """levit / efficientformer attention: biases gathered by an index buffer
    (`self.attention_biases[:, self.attention_bias_idxs]`, an index list [None, idxs] of
    constants), and LinearNorm's BatchNorm1d on the tokens flattened to (B*N, C). `x[:, order]`
    indexes the input the same way at run time."""

    def __init__(self):
        super().__init__()
        self.attention_biases = nn.Parameter(torch.randn(2, 5))
        self.register_buffer("attention_bias_idxs", torch.tensor([[0, 1, 2, 3], [1, 0, 4, 2],
                                                                  [2, 4, 0, 1], [3, 2, 1, 0]]))
        self.register_buffer("order", torch.tensor([3, 1, 0, 2]))
        self.linear = nn.Linear(6, 8, bias=False)
        self.norm = nn.BatchNorm1d(8)
        with torch.no_grad():
            self.norm.running_mean.normal_()
            self.norm.running_var.uniform_(0.5, 2.0)

    def forward(self, x):
        B, N, C = x.shape
        tokens = self.norm(self.linear(x).flatten(0, 1)).reshape(B, N, 8)
        q, k = tokens.reshape(B, N, 2, 4).permute(0, 2, 1, 3).unbind(-1)[:2]
        attn = q.unsqueeze(-1) * k.unsqueeze(-2) + self.attention_biases[:, self.attention_bias_idxs]
        return attn.softmax(-1), x[:, self.order]


@entry("lib_traced_window_padding", [("x", (1, 6, 5, 3))], {"any": normal(1, 6, 5, 3)},
       how="trace")
class TracedWindowPadding(nn.Module):
    """transformers' swin, traced: the window is torch.min(torch.tensor(input_resolution)) (a
    constant tensor through to/detach/min), the padding a remainder of it; and a size divided by
    a float scales the result (a float64 scalar tensor in the trace, which must not turn the
    float32 activations into float64)."""

    def forward(self, x):
        _, h, w, _ = x.shape
        window = torch.min(torch.tensor((h, w)).detach())
        pad_right = (window - w % window) % window
        pad_bottom = (window - h % window) % window
        x = F.pad(x, (0, 0, 0, int(pad_right), 0, int(pad_bottom)))
        return x * (torch.tensor(h) / 4.0)


@entry("lib_relative_position_index", [("x", (2, 3, 4, 5))], {"any": normal(2, 3, 4, 5)})
class RelativePositionIndex(nn.Module):
    """timm's lambda layer: relative position embeddings gathered by two index buffers at once
    (`self.pos_emb[self.rel_pos_indices[0], self.rel_pos_indices[1]]`, all constants: evaluated at
    conversion); and indexing by two run-time index tensors computed from the input, adjacent
    after a full slice (`x[:, i, j]`: their broadcast shape takes the place of the two
    dimensions), separated by a slice (`x[i, :, j]`: it comes first), with negative indices."""

    def __init__(self):
        super().__init__()
        self.pos_emb = nn.Parameter(torch.randn(7, 9, 4))
        grid = torch.meshgrid(torch.arange(4), torch.arange(5), indexing="ij")
        pos = torch.stack(grid).flatten(1)
        rel = pos[:, None, :] - pos[:, :, None]
        rel[0] += 3
        rel[1] += 4
        self.register_buffer("rel_pos_indices", rel)

    def forward(self, x):
        pos_emb = self.pos_emb[self.rel_pos_indices[0], self.rel_pos_indices[1]]
        mixed = x.flatten(2) @ pos_emb.sum(-1)
        rows = (x[0, 0, :, 0] > 0).long()
        columns = (x[0, 0, 0, :] > 0).long() * 2 - 1
        adjacent = x[:, rows.unsqueeze(1), columns.unsqueeze(0)]
        separated = x[rows, :, columns[:4]]
        return mixed, adjacent, separated


@entry("lib_cond_conv", [("x", (2, 4, 6, 6))], {"any": normal(2, 4, 6, 6)})
class CondConv(nn.Module):
    """timm's CondConv2d (efficientnet_cc_*): each sample's kernel is a mixture of expert kernels
    by routing weights computed from the input, and one grouped convolution runs the batch
    folded into channels: the convolution's weights are computed at run time."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(3, 5 * 4 * 3 * 3) * 0.2)
        self.routing = nn.Linear(4, 3)

    def forward(self, x):
        B, C, H, W = x.shape
        routing = torch.sigmoid(self.routing(x.mean((2, 3))))
        weight = torch.matmul(routing, self.weight).view(B * 5, C, 3, 3)
        out = F.conv2d(x.reshape(1, B * C, H, W), weight, None, 1, 1, 1, B)
        return out.view(B, 5, H, W)
