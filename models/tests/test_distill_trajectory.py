# SPDX-License-Identifier: GPL-3.0-or-later
"""Trajectory distillation (models/unet/distill_trajectory.py) on a tiny U-Net: the teacher's trajectory ends
where the reference sampler (sampling.py, the golden reference of the engine's sampler) ends from the same noise;
a teacher that always denoises to c gives c as every step's target; a chunk written by `generate` holds what
`train` reads; training on a fixed pool brings the student's own 4-step DDIM result towards the teacher's 20
DPM-Solver++ steps."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from models.tests.test_distill import TINY, ConstantDenoiser  # noqa: E402
from models.unet.distill import StudentRun  # noqa: E402
from models.unet.distill_trajectory import (  # noqa: E402
    load_pool,
    student_timesteps,
    teacher_trajectory,
    trajectory_loss,
    trajectory_targets,
)
from models.unet.sampling import sample  # noqa: E402
from models.unet.unet_torch import UNet  # noqa: E402


def _conditions(n=2, side=8):
    torch.manual_seed(7)
    x0 = torch.randn(n, 4, side, side)
    mask = torch.ones(n, 1, side, side)
    mask[0, :, :3] = 0
    return x0 * (1 - mask), mask, torch.tensor([2, 5][:n]), torch.randn(n, 4, side, side)


def test_the_student_grid_must_lie_on_the_teachers():
    assert student_timesteps(TINY, 20, 4) == [999, 749, 499, 249]
    with pytest.raises(ValueError):
        student_timesteps(TINY, 6, 4)


def test_the_trajectory_ends_where_the_reference_sampler_ends():
    torch.manual_seed(0)
    teacher = UNet(TINY).eval()
    known, mask, labels, noise = _conditions()
    states = teacher_trajectory(teacher, TINY, noise, known, mask, labels, None, 2.5, 8, 4)
    assert states.shape == (5, 2, 4, 8, 8)
    for i in range(2):
        reference = sample(teacher, TINY, noise=noise[i:i + 1], known=known[i:i + 1], mask=mask[i:i + 1],
                           label=int(labels[i]), guidance=2.5, steps=8)
        assert torch.allclose(states[-1, i:i + 1], reference, atol=1e-4), (states[-1, i] - reference).abs().max()


def test_a_teacher_that_always_denoises_to_c_gives_c_at_every_step():
    known, mask, labels, noise = _conditions()
    clean = torch.randn_like(noise)
    states = teacher_trajectory(ConstantDenoiser(clean), TINY, noise, known, mask, labels, None, 3.0, 20, 4)
    _, t, targets = trajectory_targets(TINY, states)
    assert t.tolist() == [999, 999, 749, 749, 499, 499, 249, 249]
    expected = (mask * clean + (1 - mask) * known).repeat(4, 1, 1, 1)
    assert torch.allclose(targets, expected, atol=2e-3), (targets - expected).abs().max()


def test_a_generated_chunk_is_what_train_reads(tmp_path):
    known, mask, labels, noise = _conditions()
    states = torch.randn(5, 2, 4, 8, 8)
    np.savez(tmp_path / "chunk-0000.npz", states=states.numpy(), known=known.numpy(), mask=mask.numpy(),
             labels=labels.numpy(), scenes=np.zeros((2, 4), np.float32), teacher_steps=20, guidance=3.0)
    np.savez(tmp_path / "chunk-0001.npz", states=states[:, :1].numpy(), known=known[:1].numpy(),
             mask=mask[:1].numpy(), labels=labels[:1].numpy(), scenes=np.zeros((1, 4), np.float32),
             teacher_steps=20, guidance=3.0)
    pool, guidance, teacher_steps = load_pool(tmp_path)
    assert (guidance, teacher_steps) == (3.0, 20)
    assert pool["states"].shape == (5, 3, 4, 8, 8) and torch.equal(pool["states"][:, 2], states[:, 0])
    assert pool["labels"].tolist() == [2, 5, 2]


def _ddim_4(model, known, mask, labels, noise):
    return torch.cat([sample(model, TINY, noise=noise[i:i + 1], known=known[i:i + 1], mask=mask[i:i + 1],
                             label=int(labels[i]), guidance=1.0, steps=4, sampler="ddim")
                      for i in range(len(noise))])


def test_training_brings_the_students_four_steps_towards_the_teachers_twenty(tmp_path):
    torch.manual_seed(1)
    teacher = UNet(TINY).eval()
    known, mask, labels, noise = _conditions()
    states = teacher_trajectory(teacher, TINY, noise, known, mask, labels, None, 2.0, 20, 4)
    run = StudentRun(tmp_path, teacher, TINY, 2e-3, 4, 2.0)
    run.student.eval()  # no dropout or batch statistics: the same network as it samples
    before = (_ddim_4(run.student, known, mask, labels, noise) - states[-1]).pow(2).mean()
    for _ in range(80):
        run.learn(trajectory_loss(run.student, TINY, states, known, mask, labels, None), 0.0)
    after = (_ddim_4(run.student, known, mask, labels, noise) - states[-1]).pow(2).mean()
    assert after < 0.3 * before, (before.item(), after.item())
    run.save()
    assert StudentRun(tmp_path, teacher, TINY, 2e-3, 4, 2.0).step == 80
