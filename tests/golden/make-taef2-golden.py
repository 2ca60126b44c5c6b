#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden tensors for tests/test-autoencoder.c: TAEF2 built with torch.nn from the architecture notes in
../shared/models/README.md, loaded from the original state dicts (not from our converted file), run on a
fixed 64x48 crop of Set5's butterfly and on a fixed random latent. Writes tests/golden/taef2-golden.safetensors.

usage: /usr/bin/python3 tests/golden/make-taef2-golden.py [SHARED_DIR]"""
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models" / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models" / "taef2"))
from safetensors_io import write_safetensors  # noqa: E402
from taef2_torch import load, read_png_rgb8  # noqa: E402

shared = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared")

torch.manual_seed(7)
enc, dec = load(shared)
pixels = read_png_rgb8(shared / "data/sr-dev/Set5/butterfly.png")[100:164, 60:108]
image = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1)[None].contiguous()
with torch.no_grad():
    latent = enc(image)
    decoded = dec(latent)
    noise = torch.randn(1, 32, 5, 7)
    noise_decoded = dec(noise)
target = Path(__file__).with_name("taef2-golden.safetensors")
write_safetensors(target, {"image": image, "latent": latent, "decoded": decoded, "noise": noise,
                           "noise_decoded": noise_decoded}, metadata={"generator": f"torch {torch.__version__}"})
psnr = -10 * torch.log10(((decoded.clamp(0, 1) - image) ** 2).mean())
print(f"wrote {target}: reconstruction PSNR {psnr:.2f} dB")
