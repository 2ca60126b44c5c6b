# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch on this project's CPU machines: Debian's build starts with one thread; use the cores we have."""
import torch


def configure_cpu(threads):
    torch.set_num_threads(threads)
