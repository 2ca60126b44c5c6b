# SPDX-License-Identifier: GPL-3.0-or-later
"""The diffusion schedule and the samplers' update rules against values computed by hand from the papers'
formulas: x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps."""
import math

import numpy as np
import pytest

from models.unet.schedule import (
    alphas_cumprod,
    ddim_sigma,
    ddim_step,
    dpmpp_2m_step,
    first_step,
    half_log_snr,
    trailing_timesteps,
)


def cosine(steps, offset=0.0, max_beta=0.999):
    return {"schedule": "cosine", "schedule_steps": steps, "schedule_offset": offset, "schedule_max_beta": max_beta}


def test_cosine_schedule_telescopes_to_f_t_over_f_0_until_the_clip():
    # f(t) = cos(t/4 * pi/2)^2 = 1, (2 + sqrt 2)/4, 1/2, (2 - sqrt 2)/4, 0; abar_t = f(t)/f(0) while no beta
    # is clipped, and the last beta (1 - 0/f(3) = 1) is clipped to 0.999.
    abar = alphas_cumprod(cosine(4))
    f3 = (2 - math.sqrt(2)) / 4
    assert abar == pytest.approx([(2 + math.sqrt(2)) / 4, 0.5, f3, f3 * 0.001], rel=1e-12)


def test_cosine_schedule_offset_shifts_the_curve():
    s = 0.008
    abar = alphas_cumprod(cosine(1000, s))
    f = [math.cos((t / 1000 + s) / (1 + s) * math.pi / 2) ** 2 for t in (0, 500)]
    assert abar[499] == pytest.approx(f[1] / f[0], rel=1e-9)


def test_trailing_timesteps():
    config = cosine(1000)
    assert trailing_timesteps(config, 4) == [999, 749, 499, 249]
    assert trailing_timesteps(config, 3) == [999, 666, 332]  # round(666.67) - 1, round(333.33) - 1
    assert trailing_timesteps(config, 0) == [999]
    assert trailing_timesteps(cosine(5), 9) == [4, 3, 2, 1, 0]


def test_strength_runs_the_last_share_of_the_steps():
    assert first_step(20, 1.0) == 0
    assert first_step(20, 0.6) == 8
    assert first_step(20, 0.0) == 19  # at least one step


def test_ddim_moves_the_same_noise_to_the_next_level():
    # abar_t = 0.25, abar_s = 0.64, x0 = 2, eps = 1: x_t = 0.5 * 2 + sqrt(0.75), x_s = 0.8 * 2 + 0.6 * 1.
    x = 0.5 * 2 + math.sqrt(0.75)
    assert ddim_step(x, 2.0, 0.25, 0.64) == pytest.approx(2.2, rel=1e-12)


def test_ddim_with_fresh_noise_keeps_the_variance():
    sigma = ddim_sigma(0.25, 0.64, eta=1.0)
    # sqrt(0.36 / 0.75) * sqrt(1 - 0.25 / 0.64) = sqrt(0.48 * 0.609375)
    assert sigma == pytest.approx(math.sqrt(0.2925), rel=1e-12)
    assert ddim_sigma(0.25, 0.64, eta=0.0) == 0.0
    # The deterministic part carries the rest of the noise: sqrt(1 - 0.64 - sigma^2) = sqrt(0.0675).
    x = 0.5 * 2 + math.sqrt(0.75)
    assert ddim_step(x, 2.0, 0.25, 0.64, sigma) == pytest.approx(1.6 + math.sqrt(0.0675), rel=1e-12)


def test_dpm_solver_first_step_is_ddim():
    x = np.array([1.7, -0.3])
    x0 = np.array([0.9, 0.2])
    stepped, h = dpmpp_2m_step(x, x0, None, 0.0, 0.25, 0.64)
    assert h == pytest.approx(half_log_snr(0.64) - half_log_snr(0.25))
    assert h == pytest.approx(0.5 * math.log(0.64 / 0.36) - 0.5 * math.log(0.25 / 0.75))
    assert stepped == pytest.approx(ddim_step(x, x0, 0.25, 0.64), rel=1e-12)


def test_dpm_solver_second_order_extrapolates_the_estimate():
    # With equal steps (h_prev = h) the multistep estimate is 1.5 x0 - 0.5 x0_prev (Lu et al. 2022, alg. 2);
    # with x0_prev = x0 it is first order again.
    x, x0, x0_prev = 1.7, 0.9, 0.5
    h = half_log_snr(0.64) - half_log_snr(0.25)
    stepped, _ = dpmpp_2m_step(x, x0, x0_prev, h, 0.25, 0.64)
    assert stepped == pytest.approx(ddim_step(x, 1.5 * x0 - 0.5 * x0_prev, 0.25, 0.64), rel=1e-12)
    same, _ = dpmpp_2m_step(x, x0, x0, 2 * h, 0.25, 0.64)
    assert same == pytest.approx(ddim_step(x, x0, 0.25, 0.64), rel=1e-12)
    # h_prev = 2h: r = h / (2 h_prev) = 1/4, d = 1.25 x0 - 0.25 x0_prev.
    half, _ = dpmpp_2m_step(x, x0, x0_prev, 2 * h, 0.25, 0.64)
    assert half == pytest.approx(ddim_step(x, 1.25 * x0 - 0.25 * x0_prev, 0.25, 0.64), rel=1e-12)
