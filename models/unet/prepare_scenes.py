# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the v2 model's scene training set: procedural tabletop scenes (models/scenes/render.py) with a drawn
product standing on the surface, encoded once by TAEF2 like prepare_data.py's crops, stored with what the
scene was made with, so training can condition on it:
  labels   the surface's style label (marble, wood, ... or studio for a seamless sweep)
  light    (n, 2) the vector towards the light, y down, its length the light's strength
  horizon  (n,) the horizon's row in 0..1 of the picture, NaN for a flat-lay
  subject  (n, side/8, side/8) uint8, the latent cells wholly inside the product (the kept region when
           training the background around it)
Scenes are rendered by --workers processes (each scene draws from its own generator seeded by (seed, index),
so the set does not depend on the number of workers), rendered and encoded in chunks kept beside --out, so
that a stopped run resumes where it was and a larger --count reuses a smaller one's work.

usage: /usr/bin/python3 -m models.unet.prepare_scenes [--out build/unet-data/scenes.npz] [--count 1200] [--side 128]"""
import argparse
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from models.scenes.cutouts import load_cutouts
from models.scenes.render import render_scene
from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT
from models.unet.prepare_data import encode, photo_paths

ROOM_PHOTOS = 40
CHUNK = 100


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
    """Scenes @indices; one job renders many, so that the room photographs travel to a worker once per job."""
    seed, indices, rooms, side, cutouts = args
    cells = side // 8
    out = []
    for index in indices:
        # Drawn without supersampling: TAEF2's 8x8 latent cells average away what supersampling would smooth.
        scene = render_scene(np.random.default_rng([seed, index]), side=side, room_photos=rooms,
                             product_cutouts=cutouts, supersample=1)
        kept = scene.subject.reshape(cells, 8, cells, 8).min(axis=(1, 3)) > 0.5
        out.append(((scene.image * 255 + 0.5).astype(np.uint8), scene.label, scene.light,
                    np.nan if scene.horizon is None else scene.horizon, kept))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "build/unet-data/scenes.npz")
    parser.add_argument("--count", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--side", type=int, default=128,
                        help="pixels; 128 makes a whole scene one 16x16 training crop, and encodes 4x faster than 256")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cutouts", type=Path, help="a folder of real products' cut-outs (models/scenes/cutouts.py) "
                                                     "to stand in half of the scenes")
    parser.add_argument("--chunks", type=Path, help="where the rendered and encoded chunks are kept "
                                                    "(default: beside --out, named after it)")
    args = parser.parse_args()
    rooms = _room_photos(args.seed)
    cutouts = load_cutouts(args.cutouts) if args.cutouts else []
    kind = f"{args.seed}-{args.side}" + ("-cutouts" if cutouts else "")
    chunks = args.chunks or args.out.with_suffix(".chunks")
    chunks.mkdir(parents=True, exist_ok=True)
    scenes, latents = [], []
    with ProcessPoolExecutor(args.workers) as pool:
        for start in range(0, args.count, CHUNK):
            path = chunks / f"{kind}-{start:06d}-{CHUNK}.pkl"
            if not path.exists():
                indices = list(range(start, min(start + CHUNK, args.count)))
                jobs = [(args.seed, indices[k::args.workers], rooms, args.side, cutouts) for k in range(args.workers)]
                rendered = [scene for part in pool.map(_render, jobs) for scene in part]
                order = [i for k in range(args.workers) for i in indices[k::args.workers]]
                scenes_in_order = [scene for _, scene in sorted(zip(order, rendered, strict=True), key=lambda p: p[0])]
                path.with_suffix(".tmp").write_bytes(pickle.dumps(scenes_in_order))
                path.with_suffix(".tmp").replace(path)
                print(f"rendered {min(start + CHUNK, args.count)}/{args.count}", flush=True)
            chunk = pickle.loads(path.read_bytes())[:args.count - start]
            encoded = path.with_suffix(f".{len(chunk)}.latents.npy")
            if not encoded.exists():
                configure_cpu(args.threads)
                np.save(encoded.with_suffix(".tmp.npy"), encode([Image.fromarray(s[0]) for s in chunk]))
                encoded.with_suffix(".tmp.npy").replace(encoded)
            scenes += chunk
            latents.append(np.load(encoded))
    latents = np.concatenate(latents)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, latents=latents, labels=np.array([s[1] for s in scenes]),
             light=np.array([s[2] for s in scenes], np.float32), horizon=np.array([s[3] for s in scenes], np.float32),
             subject=np.stack([s[4] for s in scenes]).astype(np.uint8))
    print(f"{args.count} scenes -> {args.out}")


if __name__ == "__main__":
    main()
