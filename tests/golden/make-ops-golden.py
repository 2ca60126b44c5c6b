# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden tensors from PyTorch for tests/test-golden-torch.c: each case stores
its inputs and PyTorch's output in tests/golden/ops-golden.safetensors.

Run with Debian's python3-torch, from the repository root:
  /usr/bin/python3 -m tests.golden.make-ops-golden
The C test then needs no Python."""
from pathlib import Path

import torch
import torch.nn.functional as F

from models.tools.safetensors_io import write_safetensors

torch.manual_seed(20261125)
out = {}


def rand(*shape):
    return torch.rand(*shape) * 2 - 1


def case(name, **tensors):
    for key, value in tensors.items():
        out[f"{name}.{key}"] = value.detach().numpy()


x = rand(2, 6, 11, 13)
w = rand(8, 3, 3, 3)
b = rand(8)
case("conv2d_s2_d2_g2", input=x, weight=w, bias=b,
     output=F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2))

x = rand(1, 4, 7, 6)
w = rand(4, 3, 4, 4)
b = rand(3)
case("conv_transpose2d_s2", input=x, weight=w, bias=b,
     output=F.conv_transpose2d(x, w, b, stride=2, padding=1))
case("conv_transpose2d_s2_outpad", input=x, weight=w[:, :, :3, :3].contiguous(), bias=b,
     output=F.conv_transpose2d(x, w[:, :, :3, :3], b, stride=2, padding=1, output_padding=1))

x = rand(1, 18, 5, 4)
case("pixel_shuffle3", input=x, output=F.pixel_shuffle(x, 3))

x = rand(1, 2, 9, 14)
for mode in ("nearest", "bilinear", "bicubic"):
    kwargs = {} if mode == "nearest" else {"align_corners": False}
    case(f"resize_{mode}_up", input=x, output=F.interpolate(x, size=(23, 31), mode=mode, **kwargs))
    case(f"resize_{mode}_down", input=x, output=F.interpolate(x, size=(4, 5), mode=mode, **kwargs))

x = rand(2, 3, 10, 13)
case("max_pool_3s2p1", input=x, output=F.max_pool2d(x, 3, stride=2, padding=1))
case("avg_pool_3s2p1", input=x, output=F.avg_pool2d(x, 3, stride=2, padding=1))
case("avg_pool_3s2p1_exclude", input=x, output=F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False))

x = rand(2, 12, 6, 5) * 3 + 1
g = rand(12) + 1.5
be = rand(12)
case("group_norm_4", input=x, weight=g, bias=be, output=F.group_norm(x, 4, g, be, eps=1e-6))

x = rand(2, 9, 32)
g = rand(32) + 1.5
be = rand(32)
case("layer_norm", input=x, weight=g, bias=be, output=F.layer_norm(x, (32,), g, be, eps=1e-5))

x = rand(4096) * 6
case("gelu", input=x, output=F.gelu(x))
case("gelu_tanh", input=x, output=F.gelu(x, approximate="tanh"))
case("silu", input=x, output=F.silu(x))

q, k, v = rand(2, 37, 16), rand(2, 23, 16), rand(2, 23, 8)
case("attention", q=q, k=k, v=v, output=torch.softmax(q @ k.transpose(1, 2) / 4.0, dim=-1) @ v)

x = rand(3, 10, 24)
w = rand(7, 24)
b = rand(7)
case("linear", input=x, weight=w, bias=b, output=F.linear(x, w, b))

target = Path(__file__).with_name("ops-golden.safetensors")
write_safetensors(target, out, metadata={"generator": f"torch {torch.__version__}"})
print(f"wrote {target} ({target.stat().st_size} bytes, {len(out)} tensors)")
