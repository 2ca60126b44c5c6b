# SPDX-License-Identifier: GPL-3.0-or-later
"""The cost side of issue 25's capacity table: for the committed U-Net's configuration and wider or deeper ones,
the parameters, PyTorch's time for one guided sampling step at the 512x512 working size (64x64 latent, batch of
two, as `tools/bench-unet.py`) and for one training step (forward and backward, batch 32 of 16x16 latents, as
models/unet/train_unet.py at 128 px), each as a ratio to the committed configuration timed in the same run.
Random weights: the time does not depend on them.

usage: /usr/bin/python3 -m tools.bench-unet-capacity [THREADS=2]   (from the repository root)"""
import sys
import time

import torch

from models.tools.cpu_setup import configure_cpu
from models.unet.unet_torch import DEFAULT_CONFIG, UNet, in_channels

VARIANTS = {
    "committed (base 64, mult 1-2-3, 2 blocks)": {},
    "wider (base 96)": {"base_channels": 96},
    "wider (base 128)": {"base_channels": 128},
    "deeper (3 blocks a level)": {"res_blocks": 3},
    "one more level (mult 1-2-3-4)": {"channel_mult": [1, 2, 3, 4], "attention_levels": [1, 2, 3]},
}


def best_of(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def sampling_step(model, config):
    """One guided pass at the 512x512 working size (conditional and unconditional), as a function."""
    x = torch.randn(2, in_channels(config), 64, 64)
    t = torch.tensor([500.0, 500.0])
    labels = torch.tensor([1, 0])
    return lambda: model(x, t, labels)


def training_step(model, config):
    """One forward and backward pass of a training batch, as a function."""
    batch = torch.randn(32, in_channels(config), 16, 16)
    t = torch.full((32,), 500.0)
    labels = torch.ones(32, dtype=torch.long)

    def step():
        model.zero_grad()
        model(batch, t, labels).square().mean().backward()

    return step


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    configure_cpu(threads)
    torch.manual_seed(0)
    rows = []
    for name, change in VARIANTS.items():
        config = dict(DEFAULT_CONFIG, **change)
        model = UNet(config)
        parameters = sum(p.numel() for p in model.parameters())
        with torch.no_grad():
            model.eval()
            step = sampling_step(model, config)
            step()
            sample = best_of(step, 3)
        model.train()
        step = training_step(model, config)
        step()
        train = best_of(step, 3)
        rows.append((name, parameters, sample, train))
        print(f"measured {name}", flush=True)
    base = rows[0]
    print(f"PyTorch {torch.__version__}, {threads} threads; best of 3")
    print("| configuration | parameters | guided step at 512 px | ratio | training step (32 x 128 px) | ratio |")
    print("|---|---|---|---|---|---|")
    for name, parameters, sample, train in rows:
        print(f"| {name} | {parameters / 1e6:.1f} M | {sample * 1e3:.0f} ms | {sample / base[2]:.2f} | "
              f"{train * 1e3:.0f} ms | {train / base[3]:.2f} |")


if __name__ == "__main__":
    main()
