# SPDX-License-Identifier: GPL-3.0-or-later
"""Trajectory distillation: a few-step student taught the path of its teacher's many-step guided DPM-Solver++(2M)
sampler, the sampler the filters run at full speed, instead of the teacher's two DDIM steps (distill.py).

Why: a round of distill.py teaches the student the teacher's 2N-step DDIM path, and that path, not the student,
was what stayed short of the teacher at 20 DPM-Solver++ steps (docs/background-model.md: the student came within
its 8-step DDIM teacher's reach, then no closer to real photographs as it learnt it more exactly).

Two phases, both resumable:
- `generate`: training conditions as distill.py draws them (latent crops, labels, masks about products, scenes),
  pure noise at the first timestep as the samplers start (known cells mixed in), the guided teacher run for
  --teacher-steps; each trajectory keeps its states at the student's timesteps (the student's trailing grid is
  part of the teacher's when the teacher's steps are a multiple of the student's) and the teacher's final
  estimate, in <pool>/chunk-NNNN.npz.
- `train`: the student, starting as the teacher, learns for each stored state the x0 whose DDIM step lands on
  the trajectory's next state (distill.py's target), and at its last step the teacher's final estimate; the
  loss is distill.py's weighted x0 error. Every step uses all of a trajectory's states.

usage: /usr/bin/python3 -m models.unet.distill_trajectory generate --teacher models/unet/latent-unet.json \\
           --data DATA.npz... --pool /work/runs/fast/pool-20 [--chunks 60] [--teacher-steps 20]
       /usr/bin/python3 -m models.unet.distill_trajectory train --teacher models/unet/latent-unet.json \\
           --pool /work/runs/fast/pool-20 --run /work/runs/fast/trajectory-20to4 [--steps N] [--hours H]
then export_unet.py --run RUN as for distill.py."""
import argparse
import math
from pathlib import Path

import numpy as np
import torch

from models.tools.cpu_setup import configure_cpu
from models.unet.distill import StudentRun, TeacherConditions, guided_x0, one_step_target, weighted_x0_error
from models.unet.schedule import alphas_cumprod, dpmpp_2m_step, trailing_timesteps
from models.unet.unet_torch import load_committed


def student_timesteps(config, teacher_steps, student_steps):
    """The student's trailing timesteps, checked to lie on the teacher's grid."""
    teacher, student = trailing_timesteps(config, teacher_steps), trailing_timesteps(config, student_steps)
    if not set(student) <= set(teacher):
        raise ValueError(f"the student's timesteps {student} are not all on the {teacher_steps}-step grid")
    return student


@torch.no_grad()
def teacher_trajectory(teacher, config, noise, known, mask, labels, scenes, guidance, teacher_steps, student_steps):
    """(student_steps + 1, n, L, h, w): the teacher's DPM-Solver++(2M) states at the student's timesteps, then its
    final estimate. @known is zero on the cells to generate, as the samplers have it."""
    alphas = torch.tensor(alphas_cumprod(config), dtype=torch.float32)
    abar = alphas_cumprod(config)
    steps = trailing_timesteps(config, teacher_steps)
    stops = set(student_timesteps(config, teacher_steps, student_steps))
    extra = torch.cat([mask, known], dim=1)
    x = math.sqrt(abar[steps[0]]) * known + math.sqrt(1 - abar[steps[0]]) * noise
    states, x0_prev, h_prev = [], None, 0.0
    for i, t in enumerate(steps):
        if t in stops:
            states.append(x)
        x0 = guided_x0(teacher, x, torch.full((len(x),), t), extra, labels, scenes, guidance, alphas, known, mask)
        if i + 1 == len(steps):
            states.append(x0)
            break
        x, h_prev = dpmpp_2m_step(x, x0, x0_prev, h_prev, abar[t], abar[steps[i + 1]])
        x0_prev = x0
    return torch.stack(states)


def trajectory_targets(config, states):
    """The student's inputs, timesteps and x0 targets, its steps one after the other along the batch: the x0
    whose DDIM step lands on the trajectory's next state, and at its last step the teacher's final estimate."""
    alphas = torch.tensor(alphas_cumprod(config), dtype=torch.float32)
    timesteps = trailing_timesteps(config, len(states) - 1)
    targets = [one_step_target(states[k], states[k + 1], alphas[t], alphas[timesteps[k + 1]])
               for k, t in enumerate(timesteps[:-1])] + [states[-1]]
    t = torch.tensor(timesteps).repeat_interleave(states.shape[1])
    return states[:-1].flatten(0, 1), t, torch.cat(targets)


def trajectory_loss(student, config, states, known, mask, labels, scenes, kept_weight=0.1):
    """distill.py's weighted x0 error over every student step of each trajectory in @states."""
    z, t, targets = trajectory_targets(config, states)
    steps = len(states) - 1
    repeat = (steps, 1, 1, 1)
    alphas = torch.tensor(alphas_cumprod(config), dtype=torch.float32)
    return weighted_x0_error(student, z, t, torch.cat([mask, known], dim=1).repeat(repeat), labels.repeat(steps),
                             None if scenes is None else scenes.repeat(steps, 1), targets, mask.repeat(repeat),
                             alphas, kept_weight)


def generate(args):
    teacher, config, _ = load_committed(args.teacher)
    conditions = TeacherConditions.from_arguments(args, config)
    args.pool.mkdir(parents=True, exist_ok=True)
    for chunk in range(args.chunks):
        path = args.pool / f"chunk-{chunk:04d}.npz"
        if path.exists():
            continue
        x0, mask, labels, scene, noise = conditions.draw(np.random.default_rng([args.seed, chunk]), args.batch)
        known = x0 * (1 - mask)
        states = teacher_trajectory(teacher, config, noise, known, mask, labels,
                                    scene if conditions.uses_scenes else None, args.guidance, args.teacher_steps,
                                    args.student_steps)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, states=states.numpy(), known=known.numpy(), mask=mask.numpy(), labels=labels.numpy(),
                 scenes=scene.numpy(), teacher_steps=args.teacher_steps, guidance=args.guidance)
        tmp.replace(path)
        print(f"chunk {chunk} written", flush=True)


def load_pool(pool):
    """Every chunk of @pool joined along the trajectories: states (K + 1, N, ...), known, mask, labels, scenes;
    and the teacher's guidance and steps."""
    chunks = [np.load(path) for path in sorted(pool.glob("chunk-*.npz"))]
    if not chunks:
        raise FileNotFoundError(f"{pool}: no chunk-*.npz (run `generate` first)")
    joined = {key: torch.from_numpy(np.concatenate([c[key] for c in chunks], axis=1 if key == "states" else 0))
              for key in ("states", "known", "mask", "labels", "scenes")}
    return joined, float(chunks[0]["guidance"]), int(chunks[0]["teacher_steps"])


def train(args):
    teacher, config, _ = load_committed(args.teacher)
    pool, guidance, teacher_steps = load_pool(args.pool)
    student_steps = pool["states"].shape[0] - 1
    run = StudentRun(args.run, teacher, config, args.lr, student_steps, guidance)
    run.config["distilled_from_sampler"] = f"dpmpp-2m-{teacher_steps}"  # the manifest says what it learnt
    scene_channels = config.get("scene_channels", 0)
    count = pool["states"].shape[1]
    print(f"{count} trajectories, {student_steps} student steps", flush=True)

    def batch_loss(step):
        pick = torch.from_numpy(np.random.default_rng([args.seed, step]).choice(count, args.batch, replace=False))
        return trajectory_loss(run.student, run.config, pool["states"][:, pick], pool["known"][pick],
                               pool["mask"][pick], pool["labels"][pick],
                               pool["scenes"][pick] if scene_channels else None)

    run.train(batch_loss, args.steps, args.hours, args.checkpoint_every, args.ema)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=("generate", "train"))
    parser.add_argument("--teacher", type=Path, required=True, help="manifest of the teacher")
    parser.add_argument("--pool", type=Path, required=True, help="folder of the teacher's trajectories")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=3)
    generating = parser.add_argument_group("generate")
    generating.add_argument("--data", type=Path, nargs="+")
    generating.add_argument("--chunks", type=int, default=60)
    generating.add_argument("--batch", type=int, default=32, help="trajectories per chunk (generate) or per step "
                                                                   "(train)")
    generating.add_argument("--teacher-steps", type=int, default=20)
    generating.add_argument("--student-steps", type=int, default=4)
    generating.add_argument("--guidance", type=float, default=3.0)
    TeacherConditions.add_arguments(generating)
    training = parser.add_argument_group("train")
    training.add_argument("--run", type=Path)
    training.add_argument("--steps", type=int, default=2000)
    training.add_argument("--hours", type=float, default=1e9)
    training.add_argument("--lr", type=float, default=5e-5)
    training.add_argument("--ema", type=float, default=0.99)
    training.add_argument("--checkpoint-every", type=int, default=50)
    args = parser.parse_args()
    configure_cpu(args.threads)
    if args.phase == "generate":
        if not args.data:
            parser.error("generate needs --data")
        generate(args)
    else:
        if args.run is None:
            parser.error("train needs --run")
        train(args)


if __name__ == "__main__":
    main()
