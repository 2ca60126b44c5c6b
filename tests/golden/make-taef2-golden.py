# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden tensors for tests/test-autoencoder.c: TAEF2 built with torch.nn from the architecture notes in
../shared/models/README.md, loaded from the original state dicts (not from our converted file), run on a
fixed 64x48 crop of Set5's butterfly and on a fixed random latent, and the round trip of a 70x90 crop inside
its mirror image (PyTorch's "reflect" padding, 64 pixels and on to a multiple of 8) that `atelier autoencode`
makes. Writes tests/golden/taef2-golden.safetensors.

usage: /usr/bin/python3 -m tests.golden.make-taef2-golden [SHARED_DIR]   (from the repository root)"""
import sys
from pathlib import Path

import numpy as np
import torch

from models.taef2.taef2_torch import load, read_png_rgb8
from models.tools.paths import SHARED
from models.tools.safetensors_io import write_safetensors

shared = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED

torch.manual_seed(7)
enc, dec = load(shared)
pixels = read_png_rgb8(shared / "data/sr-dev/Set5/butterfly.png")[100:164, 60:108]
image = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1)[None].contiguous()
with torch.no_grad():
    latent = enc(image)
    decoded = dec(latent)
    noise = torch.randn(1, 32, 5, 7)
    noise_decoded = dec(noise)
    pixels = read_png_rgb8(shared / "data/sr-dev/Set5/butterfly.png")[150:220, 40:130]
    crop = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1)[None].contiguous()
    h, w = crop.shape[2:]
    margin = 64
    bottom, right = -(h + 2 * margin) % 8, -(w + 2 * margin) % 8
    mirrored = torch.nn.functional.pad(crop, (margin, margin + right, margin, margin + bottom), mode="reflect")
    round_trip = dec(enc(mirrored)).clamp(0, 1)[:, :, margin:margin + h, margin:margin + w]
target = Path(__file__).with_name("taef2-golden.safetensors")
write_safetensors(target, {"image": image, "latent": latent, "decoded": decoded, "noise": noise,
                           "noise_decoded": noise_decoded, "round_trip_image": crop,
                           "round_trip": round_trip.contiguous()}, metadata={"generator": f"torch {torch.__version__}"})
psnr = -10 * torch.log10(((decoded.clamp(0, 1) - image) ** 2).mean())
print(f"wrote {target}: reconstruction PSNR {psnr:.2f} dB")
