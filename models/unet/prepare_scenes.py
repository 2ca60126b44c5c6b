# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the v2 model's scene training set: procedural tabletop scenes (models/scenes/render.py) with a drawn
product standing on the surface, encoded once by TAEF2 like prepare_data.py's crops, stored with what the
scene was made with, so training can condition on it:
  labels   the surface's style label (marble, wood, ... or studio for a seamless sweep)
  light    (n, 2) the vector towards the light, y down, its length the light's strength
  horizon  (n,) the horizon's row in 0..1 of the picture, NaN for a flat-lay
  subject  (n, 32, 32) uint8, the latent cells wholly inside the product (the kept region when training the
           background around it)
Scenes are rendered by --workers processes (each scene draws from its own generator seeded by (seed, index),
so the set does not depend on the number of workers), in chunks kept beside --out, so that a stopped run
resumes where it was.

usage: /usr/bin/python3 -m models.unet.prepare_scenes [--out build/unet-data/scenes.npz] [--count 1200]"""
import argparse
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from models.scenes.render import render_scene
from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT
from models.unet.prepare_data import encode, photo_paths

ROOM_PHOTOS = 40
CHUNK = 20


def _room_photos(seed):
    """Training photographs (never the held-aside tenth) to blur into out-of-focus rooms, at 256 px."""
    training, _ = photo_paths()
    rng = np.random.default_rng([seed, 999])
    picks = rng.choice(len(training), ROOM_PHOTOS, replace=False)
    photos = []
    for i in sorted(picks):
        image = Image.open(training[i]).convert("RGB")
        image.thumbnail((320, 320))
        photos.append(np.asarray(image, np.float32) / 255)
    return photos


def _render(args):
    seed, index, rooms = args
    # Drawn without supersampling: TAEF2's 8x8 latent cells average away what supersampling would smooth.
    scene = render_scene(np.random.default_rng([seed, index]), room_photos=rooms, supersample=1)
    kept = scene.subject.reshape(32, 8, 32, 8).min(axis=(1, 3)) > 0.5
    return ((scene.image * 255 + 0.5).astype(np.uint8), scene.label, scene.light,
            np.nan if scene.horizon is None else scene.horizon, kept)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "build/unet-data/scenes.npz")
    parser.add_argument("--count", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rooms = _room_photos(args.seed)
    chunks = args.out.with_suffix(".chunks")
    chunks.mkdir(parents=True, exist_ok=True)
    scenes = []
    with ProcessPoolExecutor(args.workers) as pool:
        for start in range(0, args.count, CHUNK):
            path = chunks / f"{args.seed}-{start:06d}-{CHUNK}.pkl"
            if not path.exists():
                jobs = [(args.seed, i, rooms) for i in range(start, min(start + CHUNK, args.count))]
                path.with_suffix(".tmp").write_bytes(pickle.dumps(list(pool.map(_render, jobs))))
                path.with_suffix(".tmp").replace(path)
                print(f"rendered {min(start + CHUNK, args.count)}/{args.count}", flush=True)
            scenes += pickle.loads(path.read_bytes())[:args.count - start]
    configure_cpu(args.threads)
    latents = encode([Image.fromarray(s[0]) for s in scenes])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, latents=latents, labels=np.array([s[1] for s in scenes]),
             light=np.array([s[2] for s in scenes], np.float32), horizon=np.array([s[3] for s in scenes], np.float32),
             subject=np.stack([s[4] for s in scenes]).astype(np.uint8))
    print(f"{args.count} scenes -> {args.out}")


if __name__ == "__main__":
    main()
