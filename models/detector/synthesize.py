#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the detector's training set: crops of real photographs at native resolution, and the same crops
passed through a generator-like decoder (see generators.py), with JPEG and resize augmentation applied
identically to both members of every pair, so that neither compression nor scaling tells the classes apart.

Reads ../shared/data/train (see models/detector/README.md for sources and licences); writes images and
index.csv into --out (default build/detector-training). Deterministic for a given --seed; rerunning skips
pairs already written, so an interrupted run resumes.

    /usr/bin/python3 models/detector/synthesize.py --crops-per-image 2
"""
import argparse
import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

import generators

ROOT = Path(__file__).resolve().parents[2]
# Sources stored as (or decoded from) JPEG files carry JPEG's 8x8 grid in their "real" crops: their pairs are
# always JPEG-compressed again (unless shrunk), so the detector sees that grid as JPEG's and sets it aside.
JPEG_ORIGIN = ("bsds200", "sun_hays80")
ESRGAN = (("slim", 2), ("slim", 4), ("medium", 2), ("medium", 4), ("thick", 2), ("thick", 4))


def source_images(shared):
    paths = sorted(p for p in (Path(shared) / "data/train").glob("*/*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if not paths:
        sys.exit(f"no training images under {shared}/data/train")
    return paths


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def esrgan_fake(crop, model, scale, atelier, workdir):
    h, w = crop.shape[:2]
    small = Image.fromarray(crop).resize((w // scale, h // scale), Image.BICUBIC)
    src, dst = Path(workdir) / "lr.png", Path(workdir) / "sr.png"
    small.save(src)
    subprocess.run([atelier, "upscale", "--scale", str(scale), "--model", model, str(src), str(dst)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return np.asarray(Image.open(dst).convert("RGB"))


def diffusion_fake(crop, atelier, workdir, seed):
    """Our own latent diffusion inpainting (engine, default U-Net and TAEF2) over a random box of 40-90 % of
    each side: the box is generated, the rest passes through the filter's compositing as the filter leaves it."""
    h, w = crop.shape[:2]
    rng = np.random.default_rng(seed)
    bh, bw = int(h * rng.uniform(0.4, 0.9)), int(w * rng.uniform(0.4, 0.9))
    y, x = int(rng.integers(h - bh + 1)), int(rng.integers(w - bw + 1))
    mask = np.zeros((h, w), np.uint8)
    mask[y:y + bh, x:x + bw] = 255
    src, mask_path, dst = Path(workdir) / "src.png", Path(workdir) / "mask.png", Path(workdir) / "filled.png"
    Image.fromarray(crop).save(src)
    Image.fromarray(mask).save(mask_path)
    subprocess.run([atelier, "inpaint", "--steps", "10", "--seed", str(seed), "--mask", str(mask_path), str(src),
                    str(dst)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return np.asarray(Image.open(dst).convert("RGB"))


def network_fake(crop, net):
    out = generators.run(net, crop.astype(np.float32) / 255)
    return (out * 255 + 0.5).astype(np.uint8)


def augment_and_save(image, base, resize, quality):
    """The same resize and compression for both members of a pair."""
    picture = Image.fromarray(image)
    if resize != 1:
        w, h = picture.size
        picture = picture.resize((max(64, round(w * resize)), max(64, round(h * resize))), Image.BICUBIC)
    if quality:
        path = base.with_suffix(".jpg")
        picture.save(path, quality=quality)
    else:
        path = base.with_suffix(".png")
        picture.save(path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--out", default=str(ROOT / "build/detector-training"))
    parser.add_argument("--atelier", default=str(ROOT / "build/cli/atelier"))
    parser.add_argument("--crops-per-image", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads(), len(__import__("os").sched_getaffinity(0))))

    out = Path(args.out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    paths = source_images(args.shared)
    rng = np.random.default_rng(args.seed)
    print(f"{len(paths)} source images")

    patch_rng = np.random.default_rng(args.seed + 1000)
    patch_sources = [load_rgb(paths[i]).astype(np.float32) / 255
                     for i in patch_rng.choice(len(paths), size=min(48, len(paths)), replace=False)]
    autoencoders = generators.load_autoencoders(out, patch_sources, args.seed)
    del patch_sources
    taef2 = generators.Taef2RoundTrip(*generators.load_taef2(args.shared))
    kinds = (["taef2", "diffusion"] + [f"ae-{k}" for k in generators.UPSAMPLERS]
             + [f"esrgan-{m}-x{s}" for m, s in ESRGAN])

    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for index, path in enumerate(paths):
            image = load_rgb(path)
            origin = path.parent.name
            for c in range(args.crops_per_image):
                # Every random choice is drawn before anything is skipped, so a resumed run makes the same set.
                # Generated images usually reach a viewer resized, most often reduced (the faces of
                # forensics-dev are 1024 px generator outputs shown at 256 and 768): reductions down to 1/4
                # are drawn log-uniformly, from a crop large enough to stay analysable afterwards.
                resize = 1.0
                if rng.random() < 0.4:
                    resize = float(np.exp(rng.uniform(np.log(0.25), np.log(0.9))) if rng.random() < 0.7
                                   else rng.uniform(1.1, 1.5))
                h, w = image.shape[:2]
                side = int(int(rng.integers(160, 513)) / min(resize, 1.0)) // 8 * 8
                ch, cw = min(side, h // 8 * 8), min(int(side * rng.uniform(0.75, 1.34)) // 8 * 8, w // 8 * 8)
                y, x = int(rng.integers(h - ch + 1)), int(rng.integers(w - cw + 1))
                kind = kinds[int(rng.integers(len(kinds)))]
                quality = int(rng.integers(70, 101))
                generator_seed = int(rng.integers(2**31 - 1))
                if not (origin in JPEG_ORIGIN and resize >= 1) and rng.random() < 0.5:
                    quality = 0
                crop = np.ascontiguousarray(image[y:y + ch, x:x + cw])
                name = f"{index:04d}-{c}"
                real_base, fake_base = out / "images" / f"{name}-real", out / "images" / f"{name}-fake"
                suffix = ".jpg" if quality else ".png"
                if not (fake_base.with_suffix(suffix).exists() and real_base.with_suffix(suffix).exists()):
                    if kind == "taef2":
                        fake = network_fake(crop, taef2)
                    elif kind == "diffusion":
                        fake = diffusion_fake(crop, args.atelier, workdir, generator_seed)
                    elif kind.startswith("ae-"):
                        fake = network_fake(crop, autoencoders[kind[3:]])
                    else:
                        _, model, scale = kind.split("-")
                        fake = esrgan_fake(crop, model, int(scale[1:]), args.atelier, workdir)
                    augment_and_save(crop, real_base, resize, quality)
                    augment_and_save(fake, fake_base, resize, quality)
                for label, base in ((0, real_base), (1, fake_base)):
                    rows.append({"file": str(base.with_suffix(suffix).relative_to(out)), "label": label,
                                 "source": f"{origin}/{path.name}", "generator": kind if label else "real",
                                 "resize": f"{resize:.3f}", "jpeg_quality": quality})
            if index % 20 == 0:
                print(f"{index + 1}/{len(paths)} {path.name}", flush=True)

    with open(out / "index.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} images in {out}")


if __name__ == "__main__":
    main()
