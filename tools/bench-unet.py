# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch's time for one guided U-Net step (batch of two: conditional and unconditional) on the committed
model, the same shape `atelier bench --unet` times: the reference for tools/bench-unet.sh.

usage: /usr/bin/python3 -m tools.bench-unet [THREADS=2] [LATENT_SIDE=64]   (from the repository root)"""
import sys
import time

import torch

from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT
from models.unet.unet_torch import in_channels, load_committed

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
side = int(sys.argv[2]) if len(sys.argv) > 2 else 64
configure_cpu(threads)
model, config, _ = load_committed(ROOT / "models/unet/latent-unet.json")
x = torch.randn(2, in_channels(config), side, side)
t = torch.tensor([500.0, 500.0])
labels = torch.tensor([1, 0])
times = []
with torch.no_grad():
    model(x, t, labels)
    for _ in range(5):
        start = time.perf_counter()
        model(x, t, labels)
        times.append(time.perf_counter() - start)
print(f"PyTorch {torch.__version__}, {threads} threads: U-Net step {side}x{side} latent, batch 2: "
      f"{min(times) * 1e3:.1f} ms (best of 5)")
