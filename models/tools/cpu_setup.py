# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch on this project's CPU machines: Debian's build starts with one thread; use the cores we have."""
import os

import torch


def configure_cpu(threads=None):
    """@threads threads, or every core this process may run on."""
    torch.set_num_threads(threads or len(os.sched_getaffinity(0)))
