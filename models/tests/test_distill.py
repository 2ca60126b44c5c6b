# SPDX-License-Identifier: GPL-3.0-or-later
"""Progressive distillation (models/unet/distill.py) on a tiny U-Net: the student grid is the teacher's 2N-step
trailing grid, the student's target takes z_t to the teacher's z_s in one DDIM step (checked against the
teacher's two steps run with the reference formulas of schedule.py), an oracle teacher that always denoises to
the same latent gives that latent as the target, and training a student on a fixed batch brings its one-step
result towards the teacher's two steps."""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from models.unet.distill import (  # noqa: E402
    ddim,
    distill_loss,
    guided_x0,
    student_grid,
    teacher_target,
    teachers_training_set,
)
from models.unet.schedule import alphas_cumprod, ddim_step, trailing_timesteps  # noqa: E402
from models.unet.unet_torch import DEFAULT_CONFIG, UNet  # noqa: E402

TINY = dict(DEFAULT_CONFIG, latent_channels=4, base_channels=16, channel_mult=[1, 2], attention_levels=[1],
            head_channels=16, groups=8, embed_channels=32)
ALPHAS = torch.tensor(alphas_cumprod(TINY), dtype=torch.float32)


def test_the_student_grid_is_every_other_teacher_timestep():
    grid = student_grid(TINY, 4)
    assert [t for t, _, _ in grid] == trailing_timesteps(TINY, 4) == [999, 749, 499, 249]
    assert grid == [(999, 874, 749), (749, 624, 499), (499, 374, 249), (249, 124, -1)]


def _batch(n=2, side=8):
    torch.manual_seed(5)
    x0 = torch.randn(n, 4, side, side)
    mask = torch.ones(n, 1, side, side)
    mask[0, :, :3] = 0
    return x0, mask, torch.tensor([1, 3][:n])


def test_one_ddim_step_to_the_target_lands_on_the_teachers_two_steps():
    torch.manual_seed(0)
    teacher = UNet(TINY).eval()
    x0, mask, labels = _batch()
    known = x0 * (1 - mask)
    extra = torch.cat([mask, known], dim=1)
    t, u, s = torch.tensor([749, 749]), torch.tensor([624, 624]), torch.tensor([499, 499])
    z_t = torch.randn_like(x0)
    target = teacher_target(teacher, z_t, t, u, s, extra, labels, None, 2.0, ALPHAS, known, mask)
    with torch.no_grad():
        a = [ALPHAS[k].double().item() for k in (749, 624, 499)]
        x0_t = guided_x0(teacher, z_t, t, extra, labels, None, 2.0, ALPHAS, known, mask)
        z_u = ddim_step(z_t.double(), x0_t.double(), a[0], a[1])
        x0_u = guided_x0(teacher, z_u.float(), u, extra, labels, None, 2.0, ALPHAS, known, mask)
        z_s = ddim_step(z_u, x0_u.double(), a[1], a[2])
    one_step = ddim_step(z_t.double(), target.double(), a[0], a[2])
    assert torch.allclose(one_step, z_s, atol=2e-4)


class ConstantDenoiser(torch.nn.Module):
    """Predicts the v whose denoised estimate is always @clean (v = (alpha z - x0) / sigma)."""

    def __init__(self, clean):
        super().__init__()
        self.clean = clean

    def forward(self, inputs, t, labels, scenes=None):
        z = inputs[:, :self.clean.shape[1]]
        a = ALPHAS[t].sqrt()[:, None, None, None]
        s = (1 - ALPHAS[t]).sqrt()[:, None, None, None]
        return (a * z - self.clean.repeat(len(z) // len(self.clean), 1, 1, 1)) / s


def test_a_teacher_that_always_denoises_to_c_gives_c_as_the_target():
    x0, mask, labels = _batch()
    clean = torch.randn_like(x0)
    known = x0 * (1 - mask)
    extra = torch.cat([mask, known], dim=1)
    for t, u, s in student_grid(TINY, 4):
        z_t = math.sqrt(ALPHAS[t]) * clean + math.sqrt(1 - ALPHAS[t]) * torch.randn_like(x0)
        target = teacher_target(ConstantDenoiser(clean), z_t, torch.tensor([t] * 2), torch.tensor([u] * 2),
                                torch.tensor([s] * 2), extra, labels, None, 3.0, ALPHAS, known, mask)
        expected = mask * clean + (1 - mask) * known
        assert torch.allclose(target, expected, atol=2e-3), (t, (target - expected).abs().max())


def test_ddim_helper_matches_the_reference_step():
    z, x0 = torch.randn(1, 4, 2, 2), torch.randn(1, 4, 2, 2)
    a_t, a_s = ALPHAS[700], ALPHAS[300]
    assert torch.allclose(ddim(z, x0, a_t, a_s), ddim_step(z.double(), x0.double(), a_t.item(), a_s.item()).float(),
                          atol=1e-5)


def test_training_brings_the_student_towards_the_teacher():
    torch.manual_seed(1)
    teacher = UNet(TINY).eval()
    student = UNet(TINY)
    student.load_state_dict(teacher.state_dict())
    x0, mask, labels = _batch()
    noise = torch.randn_like(x0)
    grid = student_grid(TINY, 2)
    index = [0, 1]
    optimizer = torch.optim.Adam(student.parameters(), lr=2e-3)
    losses = []
    for _ in range(60):
        loss = distill_loss(student, teacher, x0, mask, labels, None, index, noise, grid, 2.0, ALPHAS)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0], (losses[0], losses[-1])


def test_a_v1_teacher_learns_v2_surfaces_under_their_origin_labels(tmp_path):
    path = tmp_path / "scenes.npz"
    np.savez(path, latents=np.zeros((3, 4, 2, 2), np.float16), labels=np.array(["marble", "linen", "wood"]),
             light=np.zeros((3, 2), np.float32), horizon=np.full(3, 0.5, np.float32),
             subject=np.zeros((3, 2, 2), np.uint8))
    data = teachers_training_set([path], TINY)
    assert [TINY["labels"][i] for i in data.labels] == ["stone", "fabric", "wood"]
