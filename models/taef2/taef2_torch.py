# SPDX-License-Identifier: GPL-3.0-or-later
"""TAEF2 in PyTorch, written from the architecture notes in ../shared/models/README.md: the reference that
tests/golden/make-taef2-golden.py and tools/bench-autoencode.py run the original state dicts with."""
import struct
import zlib

import numpy as np
import torch
import torch.nn as nn


def conv(n_in, n_out, **kw):
    return nn.Conv2d(n_in, n_out, 3, padding=1, **kw)


class Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


class Block(nn.Module):
    def __init__(self, c, pool=False):
        super().__init__()
        self.conv = nn.Sequential(conv(c, c), nn.ReLU(), conv(c, c), nn.ReLU(), conv(c, c))
        if pool:
            self.pool = nn.Sequential(nn.Conv2d(c, 4 * c, 1, bias=False), nn.GroupNorm(4, 4 * c), nn.ReLU(),
                                      nn.Conv2d(4 * c, c, 1, bias=False))

    def forward(self, x):
        if hasattr(self, "pool"):
            x = x + self.pool(x)
        return torch.relu(self.conv(x) + x)


def encoder():
    layers = [conv(3, 64), Block(64)]
    for stage in range(3):
        layers += [conv(64, 64, stride=2, bias=False)] + [Block(64, pool=stage == 2) for _ in range(3)]
    return nn.Sequential(*layers, conv(64, 32))


def decoder():
    layers = [Clamp(), conv(32, 64), nn.ReLU()] + [Block(64, pool=True) for _ in range(3)]
    for stage in range(3):
        layers += [nn.Upsample(scale_factor=2), conv(64, 64, bias=False)]
        layers += [Block(64) for _ in range(3 if stage < 2 else 1)]
    return nn.Sequential(*layers, conv(64, 3))


def read_png_rgb8(path):
    """Minimal reader for the 8-bit RGB, non-interlaced PNGs of Set5 (filter types 0-4)."""
    data = path.read_bytes()
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color == 2, "expects 8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return np.frombuffer(b"".join(rows), np.uint8).reshape(height, width, 3)


def load(shared):
    """Encoder and decoder with the original weights from SHARED/models/taef2."""
    enc, dec = encoder().eval(), decoder().eval()
    enc.load_state_dict(torch.load(shared / "models/taef2/taef2_encoder.pth", map_location="cpu", weights_only=True))
    dec.load_state_dict(torch.load(shared / "models/taef2/taef2_decoder.pth", map_location="cpu", weights_only=True))
    return enc, dec
