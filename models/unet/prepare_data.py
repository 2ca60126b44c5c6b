# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the U-Net's training set: 256x256 RGB crops, labelled with a style, encoded once by TAEF2 into
32x32x32 latents (the training script crops 16x16 windows from them), stored in one .npz.

Sources (documented with their licences in models/unet/README.md):
  photo   crops of ../shared/data/train (BSDS300 train, Sun-Hays 80, Wikimedia Commons photographs) at random
          scales; every tenth photograph (sorted by path) is held aside for evaluation and never used here
  studio  procedural studio backdrops: a coloured sweep with a vertical gradient, a soft light spot,
          vignetting and fine grain
  wood, stone, fabric, paper
          GIMP's patterns (Debian gimp-data, gimp-data-extras), tiled at a random scale, offset and exposure
  bokeh   strongly blurred photo crops (the out-of-focus backgrounds of product shots)

usage: /usr/bin/python3 -m models.unet.prepare_data [--out build/unet-data/latents.npz] [--seed 1]"""
import argparse
import struct
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageFilter

from models.taef2 import taef2_torch
from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT, SHARED

PATTERNS = Path("/usr/share/gimp/2.0/patterns")
SIDE = 256
PATTERN_SETS = {
    "wood": ["Wood/*.pat", "woodblind.pat"],
    "stone": ["Stone/*.pat", "granite2.pat", "pebbles.pat", "colored_rock.pat", "mhuerock.pat", "drymud.pat",
              "dirt.pat", "rust.pat"],
    "fabric": ["Fabric/*.pat", "3dweave.pat", "goldcloth.pat", "greyweave.pat", "greyweave2.pat",
               "green_curtains.pat", "Legacy/fibers.pat"],
    "paper": ["Paper/*.pat", "krinkle.pat", "sandytext.pat"],
}


def photo_paths():
    paths = sorted(p for d in ("bsds200", "sun_hays80", "wikipedia-photos")
                   for p in (SHARED / "data/train" / d).iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    training = [p for i, p in enumerate(paths) if i % 10 != 9]
    held_aside = [p for i, p in enumerate(paths) if i % 10 == 9]
    return training, held_aside


def random_crop(rng, image):
    """A square crop whose side, in source pixels, is log-uniform between 256 and the short side, resized to
    256x256 with antialiasing: the model sees the same photographs at several scales."""
    w, h = image.size
    side = int(round(np.exp(rng.uniform(np.log(SIDE), np.log(max(SIDE, min(w, h)))))))
    side = min(side, w, h)
    x, y = rng.integers(0, w - side + 1), rng.integers(0, h - side + 1)
    crop = image.crop((x, y, x + side, y + side)).resize((SIDE, SIDE), Image.LANCZOS)
    return crop.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else crop


def read_gimp_pattern(path):
    """GIMP .pat: big-endian header (header size, version, width, height, bytes per pixel, "GPAT", name),
    then the raw pixels."""
    data = path.read_bytes()
    header_size, _, width, height, depth = struct.unpack(">5I", data[:20])
    pixels = np.frombuffer(data[header_size:header_size + width * height * depth], np.uint8)
    pixels = pixels.reshape(height, width, depth)
    if depth in (1, 2):
        pixels = np.repeat(pixels[:, :, :1], 3, axis=2)
    return Image.fromarray(np.ascontiguousarray(pixels[:, :, :3]))


def tiled_pattern(rng, pattern):
    scale = np.exp(rng.uniform(np.log(0.6), np.log(2.5)))
    w, h = pattern.size
    tile = pattern.resize((max(1, int(w * scale)), max(1, int(h * scale))), Image.BICUBIC)
    tw, th = tile.size
    reps_x, reps_y = SIDE // tw + 2, SIDE // th + 2
    canvas = np.tile(np.asarray(tile), (reps_y, reps_x, 1))
    x, y = rng.integers(0, tw), rng.integers(0, th)
    out = canvas[y:y + SIDE, x:x + SIDE].astype(np.float32) * rng.uniform(0.75, 1.2)
    if rng.random() < 0.5:
        out = np.ascontiguousarray(out.transpose(1, 0, 2))
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def studio_backdrop(rng):
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32) / (SIDE - 1)
    hue_colour = rng.uniform(0, 1, 3)
    grey = rng.uniform(0.15, 0.95)
    saturation = rng.choice([0.0, rng.uniform(0.05, 0.25), rng.uniform(0.25, 0.7)], p=[0.35, 0.4, 0.25])
    base = grey * (1 - saturation) + saturation * hue_colour * grey * 1.4
    sweep = 1 + rng.uniform(-0.35, 0.25) * (yy - 0.5)
    cx, cy = rng.uniform(0.2, 0.8), rng.uniform(0.0, 0.6)
    spot = rng.uniform(0.0, 0.45) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * rng.uniform(0.1, 0.4) ** 2))
    vignette = 1 - rng.uniform(0.0, 0.5) * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2) * 2
    light = sweep * vignette * (1 + spot)
    image = base[None, None, :] * light[:, :, None] + rng.normal(0, 0.006, (SIDE, SIDE, 3))
    return Image.fromarray((np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8))


def bokeh(rng, photo):
    blurred = random_crop(rng, photo).filter(ImageFilter.GaussianBlur(rng.uniform(6, 18)))
    return Image.fromarray(np.clip(np.asarray(blurred, np.float32) * rng.uniform(0.8, 1.15), 0, 255).astype(np.uint8))


def pattern_files(globs):
    files = []
    for g in globs:
        files += sorted(PATTERNS.glob(g))
    return files


def build_images(rng, crops_per_photo, per_style):
    training, _ = photo_paths()
    photos = [Image.open(p).convert("RGB") for p in training]
    images, labels = [], []
    for photo in photos:
        for _ in range(crops_per_photo):
            images.append(random_crop(rng, photo))
            labels.append("photo")
    for _ in range(per_style):
        images.append(studio_backdrop(rng))
        labels.append("studio")
        images.append(bokeh(rng, photos[rng.integers(len(photos))]))
        labels.append("bokeh")
    for style, globs in PATTERN_SETS.items():
        patterns = [read_gimp_pattern(p) for p in pattern_files(globs)]
        for i in range(per_style):
            images.append(tiled_pattern(rng, patterns[i % len(patterns)]))
            labels.append(style)
    return images, labels


def encode(images, batch=8):
    encoder, _ = taef2_torch.load(SHARED)
    latents = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = torch.from_numpy(np.stack([np.asarray(im, np.float32) / 255 for im in images[i:i + batch]]))
            latents.append(encoder(x.permute(0, 3, 1, 2)).numpy().astype(np.float16))
            print(f"encoded {min(i + batch, len(images))}/{len(images)}", end="\r", flush=True)
    print()
    return np.concatenate(latents)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "build/unet-data/latents.npz")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crops-per-photo", type=int, default=10)
    parser.add_argument("--per-style", type=int, default=400)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preview", type=Path, help="also write a contact sheet of some training crops")
    parser.add_argument("--encode-side", type=int, default=SIDE,
                        help="resize the 256-pixel crops to this side before encoding (128: 4x faster, 16x16 latents)")
    args = parser.parse_args()
    configure_cpu(args.threads)
    rng = np.random.default_rng(args.seed)
    images, labels = build_images(rng, args.crops_per_photo, args.per_style)
    if args.preview:
        picks = rng.choice(len(images), 48, replace=False)
        sheet = Image.new("RGB", (8 * 128, 6 * 128))
        for k, i in enumerate(sorted(picks)):
            sheet.paste(images[i].resize((128, 128)), ((k % 8) * 128, (k // 8) * 128))
        sheet.save(args.preview)
    if args.encode_side != SIDE:
        images = [im.resize((args.encode_side, args.encode_side), Image.LANCZOS) for im in images]
    latents = encode(images)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, latents=latents, labels=np.array(labels))
    print(f"{len(images)} images -> {args.out}")


if __name__ == "__main__":
    main()
