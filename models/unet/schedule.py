# SPDX-License-Identifier: GPL-3.0-or-later
"""The diffusion schedule and the samplers' update rules, with the standard library and NumPy only, so that
they are tested without PyTorch (models/tests/test_schedule.py). sampling.py drives them with the network;
engine/diffusion/atelier-sampler.c implements the same formulas.

x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, abar_t the cumulative product of (1 - beta)."""
import math

import numpy as np


def alphas_cumprod(config):
    """Discrete schedule: the cosine schedule of Nichol and Dhariwal (2021), betas clipped at max_beta."""
    assert config["schedule"] == "cosine"
    steps, s = config["schedule_steps"], config["schedule_offset"]
    f = np.cos((np.arange(steps + 1) / steps + s) / (1 + s) * math.pi / 2) ** 2
    betas = np.minimum(1 - f[1:] / f[:-1], config["schedule_max_beta"])
    return np.cumprod(1 - betas)


def trailing_timesteps(config, steps):
    """The "trailing" spacing (Lin et al. 2023): the first step is always the last timestep, pure noise."""
    total = config["schedule_steps"]
    steps = max(1, min(steps, total))
    return [int(np.round(total - i * total / steps)) - 1 for i in range(steps)]


def first_step(steps, strength):
    """Index of the first of @steps timesteps that image-to-image at @strength runs (at least one)."""
    return steps - max(1, int(np.round(steps * strength)))


def ddim_sigma(abar_t, abar_s, eta):
    """DDIM's fresh-noise scale from t to s (Song et al. 2021, eq. 16); eta 0 is deterministic."""
    return eta * math.sqrt((1 - abar_s) / (1 - abar_t)) * math.sqrt(1 - abar_t / abar_s)


def ddim_step(x, x0, abar_t, abar_s, sigma=0.0):
    """x_s from x_t and the denoised estimate x0, before adding sigma times fresh noise."""
    eps = (x - math.sqrt(abar_t) * x0) / math.sqrt(1 - abar_t)
    return math.sqrt(abar_s) * x0 + math.sqrt(max(0.0, 1 - abar_s - sigma ** 2)) * eps


def half_log_snr(abar):
    """lambda = log(alpha / sigma), DPM-Solver's time variable."""
    return 0.5 * math.log(abar / (1 - abar))


def dpmpp_2m_step(x, x0, x0_prev, h_prev, abar_t, abar_s):
    """DPM-Solver++(2M) (Lu et al. 2022, algorithm 2) from t to s: first order (DDIM) when there is no
    previous estimate, else the multistep correction from the previous x0 and step size h_prev.
    Returns (x_s, h)."""
    h = half_log_snr(abar_s) - half_log_snr(abar_t)
    d = x0 if x0_prev is None else (1 + 1 / (2 * h_prev / h)) * x0 - (1 / (2 * h_prev / h)) * x0_prev
    return math.sqrt((1 - abar_s) / (1 - abar_t)) * x - math.sqrt(abar_s) * math.expm1(-h) * d, h
