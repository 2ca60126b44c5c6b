# SPDX-License-Identifier: GPL-3.0-or-later
"""Real products for the training scenes: the photographs of ../shared/data/products cut out by Atelier's own
Cut Out (build/cli/atelier cutout, ISNet with refined edges), every second one in name order; the others are
held aside for the evaluation of generated backgrounds around products, which must not have seen them.
Cut-outs are cached as RGBA PNGs in --out and cropped to their opaque part when loaded.

usage: /usr/bin/python3 -m models.scenes.cutouts [--out /work/runs/bgmodel/data/cutouts]"""
import argparse
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from models.tools.paths import ROOT, SHARED

PRODUCTS = SHARED / "data/products"


def product_photos():
    """(training, held aside): every second product photograph in name order for training."""
    paths = sorted(p for p in PRODUCTS.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    return paths[0::2], paths[1::2]


def cut_out(photos, out_dir, atelier=ROOT / "build/cli/atelier"):
    out_dir.mkdir(parents=True, exist_ok=True)
    for photo in photos:
        target = out_dir / f"{photo.stem}.png"
        if not target.exists():
            subprocess.run([str(atelier), "cutout", "-t", "2", str(photo), str(target)], check=True)
    return [out_dir / f"{p.stem}.png" for p in photos]


def load_cutouts(out_dir, longest=256):
    """RGBA float arrays cropped to the product (alpha > 0.5 rows and columns), longest side at most @longest."""
    cutouts = []
    for path in sorted(Path(out_dir).glob("*.png")):
        image = Image.open(path).convert("RGBA")
        image.thumbnail((longest, longest), Image.LANCZOS)
        rgba = np.asarray(image, np.float32) / 255
        rows = np.flatnonzero(rgba[:, :, 3].max(axis=1) > 0.5)
        cols = np.flatnonzero(rgba[:, :, 3].max(axis=0) > 0.5)
        if rows.size and cols.size:
            cutouts.append(rgba[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    return cutouts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("/work/runs/bgmodel/data/cutouts"))
    args = parser.parse_args()
    training, held_aside = product_photos()
    cut_out(training, args.out)
    print(f"{len(training)} cut-outs in {args.out}; held aside: {', '.join(p.name for p in held_aside)}")


if __name__ == "__main__":
    main()
