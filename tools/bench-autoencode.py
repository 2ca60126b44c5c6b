# SPDX-License-Identifier: GPL-3.0-or-later
"""Times TAEF2 encode + decode of an RGB PNG in PyTorch (Debian's python3-torch) with THREADS threads, the peer
that tools/bench-autoencode.sh compares Atelier against. Prints "pytorch encode S decode S". The image is worked on
inside its mirror image, 64 pixels and on to a multiple of 8, as `atelier autoencode` does (the same work).

usage: /usr/bin/python3 -m tools.bench-autoencode SHARED_DIR IMAGE.png THREADS   (from the repository root)"""
import sys
import time
from pathlib import Path

import numpy as np
import torch

from models.taef2.taef2_torch import load, read_png_rgb8
from models.tools.cpu_setup import configure_cpu

shared, image_path, threads = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
configure_cpu(threads)
enc, dec = load(shared)
image = torch.from_numpy(read_png_rgb8(image_path).astype(np.float32) / 255).permute(2, 0, 1)[None].contiguous()
MARGIN = 64
bottom, right = -(image.shape[2] + 2 * MARGIN) % 8, -(image.shape[3] + 2 * MARGIN) % 8
image = torch.nn.functional.pad(image, (MARGIN, MARGIN + right, MARGIN, MARGIN + bottom), mode="reflect")
with torch.no_grad():
    dec(enc(image[:, :, :64, :64]))  # warm-up: allocator and kernel selection
    start = time.perf_counter()
    latent = enc(image)
    encoded = time.perf_counter()
    dec(latent)
    done = time.perf_counter()
print(f"pytorch encode {encoded - start:.2f} decode {done - encoded:.2f}")
