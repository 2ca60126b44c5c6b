# SPDX-License-Identifier: GPL-3.0-or-later
"""Progressive distillation (Salimans and Ho 2022) of the latent U-Net into a few-step student: one round
teaches a student to do in one deterministic DDIM step what its teacher does in two. The student starts as a
copy of the teacher; rounds halve the steps (e.g. 16 -> 8 -> 4, each round's student the next one's teacher).
The teacher is sampled with classifier-free guidance at --guidance, so the student learns the guided result
and runs with guidance 1 (one network pass per step instead of two; Meng et al. 2023 distil guidance the same
way).

One training sample: x0 from the training latents, a mask and conditioning as in train_unet.py, a student
timestep t (one of its trailing timesteps) and the next one s (the end for the last step), the teacher's
midpoint u, z_t = alpha_t x0 + sigma_t eps. The teacher steps t -> u -> s with DDIM (its denoised estimate
keeps the known cells, as the samplers do); the student's target is the x0 that takes z_t to the teacher's
z_s in one DDIM step:
    x~ = (z_s - (sigma_s / sigma_t) z_t) / (alpha_s - (sigma_s / sigma_t) alpha_t),
and at the last step (s the end) the teacher's own final estimate. The loss is the student's x0 error on the
cells to generate, weighted by max(SNR, 1) (truncated SNR weighting, the paper's choice for distillation).

Checkpointed and resumable like train_unet.py (<run>/checkpoint.pt, loss.csv); export_unet.py writes the
student's EMA weights, whose manifest then names the steps it was distilled for.

usage: /usr/bin/python3 -m models.unet.distill --teacher models/unet/latent-unet.json --student-steps 4 \\
           --data /work/runs/bgmodel/data/latents-v1mix.npz /work/runs/bgmodel/data/scenes-300.npz \\
           --run /work/runs/fast/distill-8to4 [--hours H] [--ema 0.99]
(a v1 teacher reads v2's scene files, their surfaces under the v1 labels they grew from; models/unet/README.md
has the commands of the committed student)"""
import argparse
import csv
import time
from pathlib import Path

import numpy as np
import torch

from models.tools.cpu_setup import configure_cpu
from models.unet.schedule import alphas_cumprod, trailing_timesteps
from models.unet.train_unet import TrainingSet, make_masks, save_atomic
from models.unet.unet_torch import V2_LABEL_ORIGINS, V2_LABELS, UNet, load_committed


def student_grid(config, student_steps):
    """(t, u, s) per student step: its timestep, the teacher's step between, the next timestep (-1 = the end).
    The teacher's trailing grid of twice the steps holds the student's at its even places (round(T - 2i T/2N)
    = round(T - i T/N)), so u is the teacher's own timestep and the teacher runs exactly its 2N-step sampler."""
    teacher = trailing_timesteps(config, 2 * student_steps) + [-1]
    return [(teacher[2 * i], teacher[2 * i + 1], teacher[2 * i + 2]) for i in range(student_steps)]


def guided_x0(model, z, t, inputs_extra, labels, scenes, guidance, alphas, known, mask):
    """The denoised estimate with classifier-free guidance, known cells re-imposed (sampling.py's rule)."""
    n = z.shape[0]
    inputs = torch.cat([z, inputs_extra], dim=1)
    if guidance != 1.0:
        both = model(torch.cat([inputs, inputs]), torch.cat([t, t]), torch.cat([labels, torch.zeros_like(labels)]),
                     None if scenes is None else torch.cat([scenes, torch.zeros_like(scenes)]))
        v = both[n:] + guidance * (both[:n] - both[n:])
    else:
        v = model(inputs, t, labels, scenes)
    a = alphas[t].sqrt()[:, None, None, None]
    s = (1 - alphas[t]).sqrt()[:, None, None, None]
    return mask * (a * z - s * v) + (1 - mask) * known


def ddim(z, x0, abar_t, abar_s):
    eps = (z - abar_t.sqrt() * x0) / (1 - abar_t).sqrt()
    return abar_s.sqrt() * x0 + (1 - abar_s).sqrt() * eps


@torch.no_grad()
def teacher_target(teacher, z_t, t, u, s, extra, labels, scenes, guidance, alphas, known, mask):
    """The x0 target of the student at t: two teacher DDIM steps t -> u -> s (s < 0: the end, where the
    target is the teacher's estimate at u)."""
    shape = (-1, 1, 1, 1)
    x0_t = guided_x0(teacher, z_t, t, extra, labels, scenes, guidance, alphas, known, mask)
    z_u = ddim(z_t, x0_t, alphas[t].view(shape), alphas[u].view(shape))
    x0_u = guided_x0(teacher, z_u, u, extra, labels, scenes, guidance, alphas, known, mask)
    end = (s < 0).view(shape)
    s_safe = torch.where(s < 0, u, s)
    abar_t, abar_s = alphas[t].view(shape), alphas[s_safe].view(shape)
    z_s = ddim(z_u, x0_u, alphas[u].view(shape), abar_s)
    return torch.where(end, x0_u, one_step_target(z_t, z_s, abar_t, abar_s))


def one_step_target(z_t, z_s, abar_t, abar_s):
    """The x0 whose DDIM step takes z_t (at abar_t) to z_s (at abar_s)."""
    ratio = ((1 - abar_s) / (1 - abar_t)).sqrt()
    return (z_s - ratio * z_t) / (abar_s.sqrt() - ratio * abar_t.sqrt())


def distill_loss(student, teacher, x0, mask, labels, scenes, grid_index, noise, grid, guidance, alphas,
                 kept_weight=0.1):
    """The weighted x0 error of one batch; @grid_index picks each sample's student step in @grid."""
    t = torch.tensor([grid[i][0] for i in grid_index])
    u = torch.tensor([grid[i][1] for i in grid_index])
    s = torch.tensor([grid[i][2] for i in grid_index])
    shape = (-1, 1, 1, 1)
    known = x0 * (1 - mask)
    extra = torch.cat([mask, known], dim=1)
    z_t = alphas[t].sqrt().view(shape) * x0 + (1 - alphas[t]).sqrt().view(shape) * noise
    target = teacher_target(teacher, z_t, t, u, s, extra, labels, scenes, 1.0 if guidance is None else guidance,
                            alphas, known, mask)
    return weighted_x0_error(student, z_t, t, extra, labels, scenes, target, mask, alphas, kept_weight)


def weighted_x0_error(student, z_t, t, extra, labels, scenes, target, mask, alphas, kept_weight):
    """The student's x0 error against @target on the cells to generate (the kept ones weigh @kept_weight),
    weighted by max(SNR, 1) up to 5 (truncated SNR weighting), averaged over the batch."""
    shape = (-1, 1, 1, 1)
    v = student(torch.cat([z_t, extra], dim=1), t, labels, scenes)
    x0_student = alphas[t].sqrt().view(shape) * z_t - (1 - alphas[t]).sqrt().view(shape) * v
    snr = alphas[t] / (1 - alphas[t])
    weight = torch.clamp(snr, min=1.0, max=5.0)
    squared = (x0_student - target) ** 2
    per_cell = squared.mean(dim=1, keepdim=True)
    hole = (per_cell * mask).sum(dim=(1, 2, 3)) / mask.sum(dim=(1, 2, 3)).clamp(min=1)
    kept = (per_cell * (1 - mask)).sum(dim=(1, 2, 3)) / (1 - mask).sum(dim=(1, 2, 3)).clamp(min=1)
    return (weight * (hole + kept_weight * kept)).mean()


def teachers_training_set(paths, config):
    """The training latents with labels the teacher knows: a v1 teacher learns v2's surface scenes under the v1
    label each surface grew from (marble as stone, linen as fabric), as grow_to_v2 seeds them."""
    data = TrainingSet(paths, dict(config, labels=V2_LABELS))
    to_teacher = np.array([config["labels"].index(name if name in config["labels"] else V2_LABEL_ORIGINS[name])
                           for name in V2_LABELS])
    data.labels = to_teacher[data.labels]
    return data


class TeacherConditions:
    """Training conditions drawn as distillation takes them: latent crops with the labels the teacher knows, their
    masks (about the product with probability @around_subject, else train_unet.py's mix), scene vectors and noise;
    the same ones for the same generator state."""

    def __init__(self, paths, config, photo_share, around_subject, crop):
        self.data = teachers_training_set(paths, config)
        self.data.mean = np.array(config["latent_mean"], np.float32)
        self.data.std = np.array(config["latent_std"], np.float32)
        self.photo_label = config["labels"].index("photo")
        self.uses_scenes = bool(config.get("scene_channels", 0))
        self.photo_share, self.around_subject, self.crop = photo_share, around_subject, crop

    @staticmethod
    def add_arguments(parser):
        """The command-line options of the conditions: --crop, --photo-share, --around-subject."""
        parser.add_argument("--crop", type=int, default=16)
        parser.add_argument("--photo-share", type=float, default=0.4)
        parser.add_argument("--around-subject", type=float, default=0.7)

    @classmethod
    def from_arguments(cls, args, config):
        return cls(args.data, config, args.photo_share, args.around_subject, args.crop)

    def draw(self, rng, size):
        """(x0, mask, labels, scene, noise) as tensors; scene is what the data says even for a teacher without
        scene input (self.uses_scenes says whether to give it)."""
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
        x0, labels, scene, subject = self.data.batch(rng, size, self.photo_share, self.crop)
        mask = make_masks(rng, labels, self.photo_label, self.crop, subject, self.around_subject).astype(np.float32)
        noise = torch.randn(x0.shape, generator=gen)
        return (torch.from_numpy(x0), torch.from_numpy(mask), torch.from_numpy(labels), torch.from_numpy(scene),
                noise)


class StudentRun:
    """A student that starts as a copy of its teacher, its EMA and optimiser, resumed from <run>/checkpoint.pt
    when there is one (the checkpoint export_unet.py reads)."""

    def __init__(self, run_dir, teacher, config, lr, student_steps, guidance):
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / "checkpoint.pt"
        self.config = dict(config, distilled_steps=student_steps, distilled_guidance=guidance)
        self.config.pop("training_step", None)
        self.student, self.ema = UNet(self.config), UNet(self.config)
        self.student.load_state_dict(teacher.state_dict())
        self.ema.load_state_dict(teacher.state_dict())
        self.optimizer = torch.optim.AdamW(self.student.parameters(), lr=lr, weight_decay=0.0)
        self.step = 0
        if self.path.exists():
            state = torch.load(self.path, map_location="cpu")
            self.student.load_state_dict(state["model"])
            self.ema.load_state_dict(state["ema"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.step = state["step"]
            print(f"resumed at step {self.step}")

    def learn(self, loss, ema_decay):
        """One optimiser step on @loss (gradients clipped at norm 1), then the EMA."""
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.student.parameters(), 1.0)
        self.optimizer.step()
        with torch.no_grad():
            for pe, pm in zip(self.ema.parameters(), self.student.parameters(), strict=True):
                pe.mul_(ema_decay).add_(pm, alpha=1 - ema_decay)
        self.step += 1

    def train(self, batch_loss, steps, hours, checkpoint_every, ema_decay):
        """Optimiser steps on batch_loss(step) up to @steps or @hours, logged to <run>/loss.csv, checkpointed
        every @checkpoint_every steps and at the end."""
        log_path = self.path.parent / "loss.csv"
        new_log = not log_path.exists()
        started = time.time()
        with open(log_path, "a", newline="") as log:
            writer = csv.writer(log)
            if new_log:
                writer.writerow(["step", "loss", "seconds_per_step"])
            while self.step < steps:
                tick = time.time()
                loss = batch_loss(self.step)
                self.learn(loss, ema_decay)
                writer.writerow([self.step, f"{loss.item():.5f}", f"{time.time() - tick:.2f}"])
                log.flush()
                print(f"step {self.step} loss {loss.item():.4f}", flush=True)
                out_of_time = time.time() - started > hours * 3600
                if self.step % checkpoint_every == 0 or self.step == steps or out_of_time:
                    self.save()
                if out_of_time:
                    break

    def save(self):
        save_atomic({"model": self.student.state_dict(), "ema": self.ema.state_dict(),
                     "optimizer": self.optimizer.state_dict(), "step": self.step, "config": self.config}, self.path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--teacher", type=Path, required=True, help="manifest of the teacher (or last round's student)")
    parser.add_argument("--student-steps", type=int, default=4)
    parser.add_argument("--guidance", type=float, default=3.0,
                        help="the teacher's guidance (a first round; later rounds' teachers are guided already: 1)")
    parser.add_argument("--data", type=Path, nargs="+", required=True)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--hours", type=float, default=1e9)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--ema", type=float, default=0.999)
    TeacherConditions.add_arguments(parser)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    args = parser.parse_args()
    configure_cpu(args.threads)
    teacher, config, _ = load_committed(args.teacher)
    run = StudentRun(args.run, teacher, config, args.lr, args.student_steps, args.guidance)
    conditions = TeacherConditions.from_arguments(args, config)
    alphas = torch.tensor(alphas_cumprod(config), dtype=torch.float32)
    grid = student_grid(config, args.student_steps)

    def batch_loss(step):
        rng = np.random.default_rng([args.seed, step])
        x0, mask, labels, scene, noise = conditions.draw(rng, args.batch)
        grid_index = rng.integers(0, len(grid), args.batch)
        return distill_loss(run.student, teacher, x0, mask, labels, scene if conditions.uses_scenes else None,
                            grid_index, noise, grid, args.guidance, alphas)

    run.train(batch_loss, args.steps, args.hours, args.checkpoint_every, args.ema)

if __name__ == "__main__":
    main()
