# SPDX-License-Identifier: GPL-3.0-or-later
"""Trains the latent diffusion U-Net (models/unet/unet_torch.py) on the latents of prepare_data.py.

Deterministic given --seed: every step draws its batch, masks, labels, timesteps and noise from generators
seeded by (seed, step), so a run resumed from a checkpoint continues exactly as an uninterrupted one would.
Works on CPU and on CUDA (--device). Resumes from <run>/checkpoint.pt when it exists, writes the loss curve
to <run>/loss.csv every --log-every steps and a checkpoint every --checkpoint-every steps (atomically).
export_unet.py turns the EMA weights of a checkpoint into the committed safetensors + manifest.

Objective: v-prediction (Salimans and Ho 2022) on the cosine schedule, weighted so that the x0 error counts
with weight clamp(SNR, 1, 5): min-SNR-5 (Hang et al. 2023), which converges faster than the plain loss,
floored at 1 as in truncated SNR weighting (Salimans and Ho 2022); on the masked cells (the kept cells weighted by
--kept-weight); classifier-free guidance by replacing the style label with the null label for
--label-dropout of the samples.

usage: /usr/bin/python3 -m models.unet.train_unet [--run build/unet-training] [--steps N] [--hours H]"""
import argparse
import csv
import json
import math
import os
import time
from pathlib import Path

import numpy as np
import torch

from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT
from models.unet.masks import KINDS, latent_mask, pixel_mask
from models.unet.schedule import alphas_cumprod
from models.unet.unet_torch import DEFAULT_CONFIG, UNet, grow_to_v2, load_committed, v2_config

# Which masks each kind of image is trained with: photographs with every inpainting mask; style images
# mostly as the background around a kept subject, or as a whole generated image.
MASK_MIX = {
    "photo": [0.25, 0.25, 0.15, 0.15, 0.10, 0.10],
    "style": [0.05, 0.05, 0.0, 0.50, 0.05, 0.35],
}


class TrainingSet:
    """The latents of one or more .npz files (prepare_data.py, prepare_scenes.py). A scene file also holds each
    picture's light, horizon and product cells; the others count as scenes of unknown light and composition
    without a product."""

    def __init__(self, paths, config):
        latents, names, light, horizon, composition, subject = [], [], [], [], [], []
        for path in paths:
            data = np.load(path)
            n, side = len(data["latents"]), data["latents"].shape[-1]
            latents.append(data["latents"])
            names += list(data["labels"])
            scene = "light" in data
            light.append(data["light"] if scene else np.zeros((n, 2), np.float32))
            rows = data["horizon"] if scene else np.full(n, np.nan, np.float32)
            horizon.append(np.nan_to_num(rows))
            composition.append(np.where(np.isnan(rows), -1.0, 1.0) if scene else np.zeros(n))
            subject.append(data["subject"] if scene else np.zeros((n, side, side), np.uint8))
        self.latents = np.concatenate(latents)
        self.labels = np.array([config["labels"].index(n) for n in names])
        self.light, self.horizon = np.concatenate(light), np.concatenate(horizon)
        self.composition, self.subject = np.concatenate(composition), np.concatenate(subject)
        flat = self.latents.astype(np.float32).transpose(1, 0, 2, 3).reshape(self.latents.shape[1], -1)
        self.mean, self.std = flat.mean(axis=1), flat.std(axis=1)
        self.photo = np.flatnonzero(self.labels == config["labels"].index("photo"))
        self.style = np.flatnonzero(self.labels != config["labels"].index("photo"))

    def batch(self, rng, size, photo_share, crop):
        """Normalised latent crops, their labels, scene vectors (light x, light y, composition, the horizon's
        row relative to the crop with 0 its middle) and the crops' product cells."""
        n_photo = int(round(size * photo_share))
        picks = np.concatenate([rng.choice(self.photo, n_photo), rng.choice(self.style, size - n_photo)])
        side = self.latents.shape[-1]
        out = np.empty((size, self.latents.shape[1], crop, crop), np.float32)
        scene = np.zeros((size, 4), np.float32)
        subject = np.zeros((size, crop, crop), np.float32)
        for k, i in enumerate(picks):
            y, x = rng.integers(0, side - crop + 1, 2)
            out[k] = self.latents[i, :, y:y + crop, x:x + crop]
            subject[k] = self.subject[i, y:y + crop, x:x + crop]
            row = (self.horizon[i] * side - y) / crop - 0.5 if self.composition[i] > 0 else 0.0
            scene[k] = [*self.light[i], self.composition[i], np.clip(row, -2, 2)]
        out = (out - self.mean[None, :, None, None]) / self.std[None, :, None, None]
        return out, self.labels[picks], scene, subject


def make_masks(rng, labels, photo_label, crop, subject, around_subject):
    """Each sample's mask; a crop showing a product is trained, with probability @around_subject, to generate
    everything but the product's cells: the background around a kept product."""
    masks = []
    for label, product in zip(labels, subject, strict=True):
        if product.any() and rng.random() < around_subject:
            masks.append(1 - product)
            continue
        mix = MASK_MIX["photo" if label == photo_label else "style"]
        kind = KINDS[rng.choice(len(KINDS), p=mix)]
        masks.append(latent_mask(pixel_mask(rng, kind, crop * 8)))
    return np.stack(masks)[:, None]


def lr_at(step, args, warm_start=0):
    warm = min(1.0, (step - warm_start + 1) / args.warmup)
    if args.decay_steps <= 0 or step < args.decay_start:
        return args.lr * warm
    progress = min(1.0, (step - args.decay_start) / args.decay_steps)
    floor = args.lr * args.lr_final
    return warm * (floor + (args.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def save_atomic(obj, path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, nargs="+", default=[ROOT / "build/unet-data/latents.npz"])
    parser.add_argument("--v2", action="store_true",
                        help="the v2 network: surface labels and the scene vector (light, composition); with "
                             "--init-from a v1 manifest, grown from it")
    parser.add_argument("--around-subject", type=float, default=0.7,
                        help="share of the crops showing a product trained to generate around it")
    parser.add_argument("--scene-dropout", type=float, default=0.1,
                        help="share of the samples whose scene vector is zeroed (besides those whose label is)")
    parser.add_argument("--run", type=Path, default=ROOT / "build/unet-training")
    parser.add_argument("--steps", type=int, default=100000)
    parser.add_argument("--hours", type=float, default=1e9, help="stop (with a checkpoint) after this long")
    parser.add_argument("--batch", type=int, default=48, help="samples per step at --crop latent pixels")
    parser.add_argument("--crop", type=int, default=16, help="latent side of most steps (16 = 128 pixels)")
    parser.add_argument("--large-every", type=int, default=2,
                        help="every Nth step uses crops of twice the side with a quarter of the batch "
                             "(0: never)")
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--decay-start", type=int, default=0,
                        help="step at which the learning rate starts its cosine decay (with --decay-steps)")
    parser.add_argument("--decay-steps", type=int, default=0,
                        help="length of the cosine decay in steps; 0 keeps the rate constant")
    parser.add_argument("--lr-final", type=float, default=0.1, help="rate at the end of the decay, as a share of --lr")
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--photo-share", type=float, default=0.6)
    parser.add_argument("--label-dropout", type=float, default=0.15)
    parser.add_argument("--snr-floor", type=float, default=1.0,
                        help="the x0 error of noisier steps weighs as much as at this SNR (truncated SNR "
                             "weighting, Salimans and Ho 2022; 0 is plain min-SNR)")
    parser.add_argument("--kept-weight", type=float, default=0.1,
                        help="weight of the kept (unmasked) cells' error against the masked cells'")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--init-from", type=Path,
                        help="start a new run from committed weights (a latent-unet manifest) when there is no "
                             "checkpoint: steps continue from its training_step, Adam and the warm-up start "
                             "afresh")
    args = parser.parse_args()
    configure_cpu(args.threads)
    device = torch.device(args.device)
    args.run.mkdir(parents=True, exist_ok=True)
    checkpoint_path = args.run / "checkpoint.pt"

    config = v2_config(DEFAULT_CONFIG) if args.v2 else dict(DEFAULT_CONFIG)
    data = TrainingSet(args.data, config)
    config["latent_mean"] = [float(v) for v in data.mean]
    config["latent_std"] = [float(v) for v in data.std]
    torch.manual_seed(args.seed)
    model = UNet(config).to(device)
    ema = UNet(config).to(device)
    ema.load_state_dict(model.state_dict())
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    step = warm_start = 0
    if args.init_from and not checkpoint_path.exists():
        committed, committed_config, _ = load_committed(args.init_from)
        state = committed.state_dict()
        if args.v2 and "scene_channels" not in committed_config:
            state = grow_to_v2(state, committed_config)
            committed_config = v2_config(committed_config)
        config = committed_config
        model.load_state_dict(state)
        ema.load_state_dict(state)
        step = warm_start = config.pop("training_step")
        print(f"initialised from {args.init_from} at step {step}")
    if checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location=device)
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        optimizer.load_state_dict(state["optimizer"])
        step = state["step"]
        warm_start = state.get("warm_start", 0)
        config = state["config"]
        print(f"resumed at step {step}")
    (args.run / "config.json").write_text(json.dumps(config, indent=2))
    # The network's normalisation is part of its weights: a run started from committed weights keeps theirs.
    data.mean, data.std = np.array(config["latent_mean"], np.float32), np.array(config["latent_std"], np.float32)
    scene_channels = config.get("scene_channels", 0)

    alphas = torch.tensor(alphas_cumprod(config), dtype=torch.float32, device=device)
    photo_label = config["labels"].index("photo")
    log_path = args.run / "loss.csv"
    new_log = not log_path.exists()
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "loss", "hole_mse", "lr", "seconds_per_step"])
    started, window_loss, window_hole, window_start = time.time(), [], [], time.time()
    while step < args.steps:
        rng = np.random.default_rng([args.seed, step])
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
        large = args.large_every > 0 and step % args.large_every == args.large_every - 1
        crop = 2 * args.crop if large else args.crop
        size = max(1, args.batch // 4) if large else args.batch
        x0, labels, scene, subject = data.batch(rng, size, args.photo_share, crop)
        masks = make_masks(rng, labels, photo_label, crop, subject, args.around_subject)
        labels = np.where(rng.random(len(labels)) < args.label_dropout, 0, labels)
        scene[(labels == 0) | (rng.random(len(labels)) < args.scene_dropout)] = 0
        scene = torch.from_numpy(scene).to(device) if scene_channels else None
        x0 = torch.from_numpy(x0)
        mask = torch.from_numpy(masks.astype(np.float32))
        t = torch.randint(0, len(alphas), (size,), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        x0, mask, t, noise = x0.to(device), mask.to(device), t.to(device), noise.to(device)
        a = alphas[t].sqrt()[:, None, None, None]
        s = (1 - alphas[t]).sqrt()[:, None, None, None]
        noisy = a * x0 + s * noise
        target = a * noise - s * x0
        inputs = torch.cat([noisy, mask, x0 * (1 - mask)], dim=1)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, args, warm_start)
        prediction = model(inputs, t, torch.from_numpy(labels).to(device), scene)
        snr = alphas[t] / (1 - alphas[t])
        weight = torch.clamp(snr, min=args.snr_floor, max=5.0) / (snr + 1)
        squared = (prediction - target) ** 2
        cells = squared.shape[1]
        hole_error = (squared * mask).sum(dim=(1, 2, 3)) / (mask.sum(dim=(1, 2, 3)) * cells).clamp(min=1)
        kept_error = (squared * (1 - mask)).sum(dim=(1, 2, 3)) / ((1 - mask).sum(dim=(1, 2, 3)) * cells).clamp(min=1)
        per_sample = hole_error + args.kept_weight * kept_error
        loss = (weight * per_sample).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters(), strict=True):
                pe.mul_(decay).add_(pm, alpha=1 - decay)
            x0_pred = a * noisy - s * prediction
            hole = ((x0_pred - x0) ** 2 * mask).sum() / mask.sum().clamp(min=1) / x0.shape[1]
        window_loss.append(loss.item())
        window_hole.append(hole.item())
        step += 1
        if step % args.log_every == 0:
            per_step = (time.time() - window_start) / len(window_loss)
            writer.writerow([step, f"{np.mean(window_loss):.5f}", f"{np.mean(window_hole):.5f}",
                             f"{lr_at(step, args, warm_start):.2e}", f"{per_step:.3f}"])
            log.flush()
            print(f"step {step} loss {np.mean(window_loss):.4f} hole {np.mean(window_hole):.4f} "
                  f"{per_step:.2f} s/step", flush=True)
            window_loss, window_hole, window_start = [], [], time.time()
        out_of_time = time.time() - started > args.hours * 3600
        if step % args.checkpoint_every == 0 or step == args.steps or out_of_time:
            save_atomic({"model": model.state_dict(), "ema": ema.state_dict(), "optimizer": optimizer.state_dict(),
                         "step": step, "warm_start": warm_start, "config": config}, checkpoint_path)
        if out_of_time:
            break
    log.close()


if __name__ == "__main__":
    main()
