# SPDX-License-Identifier: GPL-3.0-or-later
"""A distribution distance between generated backgrounds and real photographs that no model was trained on:
KID (Binkowski et al. 2018: the unbiased squared MMD with the cubic polynomial kernel, which unlike FID has no
bias that depends on the number of samples, so small sets such as ours compare fairly), on features of TAEF2's
encoder, the autoencoder the U-Net works in.

Why TAEF2's encoder: it is the one network here trained on a very large set of natural photographs (as
FLUX.2's autoencoder's distilled encoder), it runs in a fraction of a second per image on 2 cores, and its
features are what the background model's output is made of: a statistic of them sees what the decoder will
show. The features are each stage's per-channel mean and standard deviation (4 stages at 1, 1/2, 1/4 and 1/8
of the resolution, 64 channels: 512 numbers), the texture statistics of Gatys et al. (2015) and of the style
losses: colour, contrast, grain, edges and their scales, not objects (ISNet's encoder would see objects, but
a background has none). They are standardised by the real set's mean and deviation before the kernel.

Real set (held aside): the tenth of ../shared/data/train that prepare_data.py never trains on (33 photographs),
and Debian's wallpapers of /usr/share/backgrounds/mate/nature (never used in training), 4 seeded crops each.
Generated: --count backgrounds per configuration (unless already cached, at whatever count) at --side pixels
from fixed seeds, the style labels both
models know in turn, DPM-Solver++(2M) with guidance 3 (the engine's defaults), or DDIM at guidance 1 for a
distilled student. The reference row "real training photographs" is the floor of the measure on sets this
size. Features are cached per configuration under --cache, so later checkpoints add rows without redoing the
others.

usage: /usr/bin/python3 -m models.unet.evaluate_backgrounds --config v1-20 [--config v2-20:MANIFEST ...]
       configuration NAME-STEPS[:MANIFEST], e.g. v1-20, v1-4, v2-20:/work/runs/bgmodel/v2/latent-unet.json;
       a name starting with "student" samples with DDIM at guidance 1"""
import argparse
import math
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.taef2 import taef2_torch
from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT, SHARED
from models.unet.prepare_data import photo_paths, random_crop
from models.unet.schedule import alphas_cumprod, ddim_step, dpmpp_2m_step, trailing_timesteps
from models.unet.unet_torch import load_committed

STYLES = ("photo", "studio", "wood", "stone", "fabric", "paper", "bokeh")
WALLPAPERS = Path("/usr/share/backgrounds/mate/nature")
STAGE_OUTPUTS = (1, 5, 9, 13)  # indices in taef2_torch.encoder()'s Sequential after which a stage ends


def texture_features(encoder, images):
    """(n, 512): per stage, per channel mean and standard deviation of TAEF2's encoder activations."""
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2)
    features = []
    with torch.no_grad():
        for index, layer in enumerate(encoder):
            x = layer(x)
            if index in STAGE_OUTPUTS:
                features += [x.mean(dim=(2, 3)), x.std(dim=(2, 3))]
    return torch.cat(features, dim=1).numpy().astype(np.float64)


def kid(real, fake, rng, subsets=50, size=32):
    """Mean and standard deviation over random subsets of the unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3."""
    size = min(size, len(real), len(fake))
    d = real.shape[1]
    values = []
    for _ in range(subsets):
        r = real[rng.choice(len(real), size, replace=False)]
        f = fake[rng.choice(len(fake), size, replace=False)]
        krr, kff, krf = [(a @ b.T / d + 1) ** 3 for a, b in ((r, r), (f, f), (r, f))]
        off = ~np.eye(size, dtype=bool)
        values.append(krr[off].mean() + kff[off].mean() - 2 * krf.mean())
    return float(np.mean(values)), float(np.std(values))


def real_sets(side, seed):
    """(held-aside crops, training-photograph crops) as float images."""
    training, held_aside = photo_paths()
    wallpapers = sorted(p for p in WALLPAPERS.glob("*.jpg"))
    rng = np.random.default_rng(seed)

    def crops(paths, per_image):
        out = []
        for path in paths:
            image = Image.open(path).convert("RGB")
            image.thumbnail((768, 768))
            out += [np.asarray(random_crop(rng, image).resize((side, side), Image.LANCZOS), np.float32) / 255
                    for _ in range(per_image)]
        return out

    reference = [training[i] for i in np.random.default_rng(seed + 1).choice(len(training), 45, replace=False)]
    return crops(held_aside + wallpapers, 4), crops(reference, 4)


@torch.no_grad()
def generate(model, config, count, side, steps, seed, distilled, batch=16):
    """@count backgrounds (whole pictures generated, no kept pixels), the style labels in turn."""
    latent = side // 8
    abar = alphas_cumprod(config)
    ts = trailing_timesteps(config, steps)
    guidance = 1.0 if distilled else 3.0
    gen = torch.Generator().manual_seed(seed)
    noise_all = torch.randn(count, config["latent_channels"], latent, latent, generator=gen)
    labels_all = torch.tensor([config["labels"].index(STYLES[i % len(STYLES)]) for i in range(count)])
    results = []
    for start in range(0, count, batch):
        x = noise_all[start:start + batch].double()
        labels = labels_all[start:start + batch]
        n = len(x)
        extra = torch.cat([torch.ones(n, 1, latent, latent), torch.zeros(n, config["latent_channels"], latent, latent)],
                          dim=1)
        x0_prev, h_prev = None, 0.0
        for i, t in enumerate(ts):
            inputs = torch.cat([x.float(), extra], dim=1)
            if guidance != 1.0:
                out = model(torch.cat([inputs, inputs]), torch.tensor([t] * 2 * n),
                            torch.cat([labels, torch.zeros_like(labels)])).double()
                v = out[n:] + guidance * (out[:n] - out[n:])
            else:
                v = model(inputs, torch.tensor([t] * n), labels).double()
            x0 = math.sqrt(abar[t]) * x - math.sqrt(1 - abar[t]) * v
            if i == len(ts) - 1:
                results.append(x0.float())
                break
            s = ts[i + 1]
            if distilled:
                x = ddim_step(x, x0, abar[t], abar[s])
            else:
                x, h_prev = dpmpp_2m_step(x, x0, x0_prev, h_prev, abar[t], abar[s])
            x0_prev = x0
        print(f"generated {min(start + batch, count)}/{count}", flush=True)
    latents = torch.cat(results)
    mean = torch.tensor(config["latent_mean"])[None, :, None, None]
    std = torch.tensor(config["latent_std"])[None, :, None, None]
    return latents * std + mean


def decode(decoder, latents):
    with torch.no_grad():
        return [np.clip(im.permute(1, 2, 0).numpy(), 0, 1).astype(np.float32) for im in decoder(latents)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", action="append", default=[], help="NAME-STEPS[:MANIFEST], repeatable")
    parser.add_argument("--count", type=int, default=48)
    parser.add_argument("--side", type=int, default=128)
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--cache", type=Path, default=Path("/work/runs/bgmodel/eval"))
    parser.add_argument("--sheet", type=Path, help="also write a contact sheet of the generated pictures here")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--matched", action="store_true",
                        help="measure every configuration on the seeds they all have (the first of each cache)")
    args = parser.parse_args()
    configure_cpu(args.threads)
    args.cache.mkdir(parents=True, exist_ok=True)
    encoder, decoder = taef2_torch.load(SHARED)
    real_path = args.cache / f"real-{args.side}.npz"
    if not real_path.exists():
        held, reference = real_sets(args.side, args.seed)
        np.savez(real_path, held=texture_features(encoder, held), reference=texture_features(encoder, reference))
    real = np.load(real_path)
    mean, std = real["held"].mean(axis=0), real["held"].std(axis=0) + 1e-6
    rows = [("real training photographs (the measure's floor)", "reference", (real["reference"] - mean) / std)]
    sheets = []
    for spec in args.config:
        name, _, manifest = spec.partition(":")
        steps = int(name.rsplit("-", 1)[1])
        # A configuration already generated (at any count) is not generated again.
        cached_paths = sorted(args.cache.glob(f"{name}-{args.side}-*.npz"))
        path = cached_paths[0] if cached_paths else args.cache / f"{name}-{args.side}-{args.count}.npz"
        if not path.exists():
            model, config, _ = load_committed(manifest or ROOT / "models/unet/latent-unet.json")
            images = decode(decoder, generate(model, config, args.count, args.side, steps, args.seed,
                                              name.startswith("student")))
            np.savez(path, features=texture_features(encoder, images),
                     images=(np.stack(images) * 255 + 0.5).astype(np.uint8))
        cached = np.load(path)
        rows.append((name, spec, (cached["features"] - mean) / std))
        sheets.append(cached["images"])
    if args.matched and len(rows) > 1:
        # The noise of sample i is the same in every configuration (one generator, drawn in order).
        common = min(len(features) for _, _, features in rows[1:])
        rows = rows[:1] + [(name, spec, features[:common]) for name, spec, features in rows[1:]]
    rng = np.random.default_rng(args.seed)
    held = (real["held"] - mean) / std
    print(f"real held-aside set: {len(held)} crops at {args.side} px")
    print("| configuration | samples | KID x 1000 (mean +- sd over 50 subsets of up to 32) |\n|---|---|---|")
    for name, _, features in rows:
        value, spread = kid(held, features, rng)
        print(f"| {name} | {len(features)} | {1000 * value:.1f} +- {1000 * spread:.1f} |")
    if args.sheet and sheets:
        columns = 12
        tiles = [np.concatenate([np.concatenate(list(images[r * columns:(r + 1) * columns]), axis=1)
                                 for r in range(2)], axis=0) for images in sheets]
        Image.fromarray(np.concatenate(tiles, axis=0)).save(args.sheet, quality=88)


if __name__ == "__main__":
    main()
