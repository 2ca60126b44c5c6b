# SPDX-License-Identifier: GPL-3.0-or-later
"""Stands in for the segmentation network until it lands: degrades each true
alpha the way the real pipeline degrades a mask, so the refinement can be
measured against exact ground truth.

The package's pipeline (issue 17) resizes the photograph to 1024 x 1024 with
a corner-aligned bilinear resize without antialiasing (nearly point sampling
a large photograph), the network outputs a probability there (smooth,
saturating away from edges, with its own errors), the mask is p * 255
truncated and resized back with the same bilinear. Here: the true alpha is
resized the same way to 1024 x 1024, blurred (sigma 1 cell), its logit
offset by smooth noise (the network's mistakes, moving the contour by a
fraction of a cell to a couple of cells), squashed by a sigmoid, truncated to
8 bits and resized back.

usage: simulate_coarse.py [--set DIR] [--out DIR]
reads DIR/truth/NAME-alpha.png, writes OUT/NAME.png (8-bit grey probability)
"""
import argparse
import os
import zlib

import numpy as np
from PIL import Image
from scipy import ndimage

NETWORK_SIDE = 1024


def resize_corner_aligned(plane, out_h, out_w):
    """Bilinear with corner pixels aligned and no antialiasing, as the package's resize."""
    in_h, in_w = plane.shape
    ys = np.arange(out_h) * ((in_h - 1) / max(out_h - 1, 1))
    xs = np.arange(out_w) * ((in_w - 1) / max(out_w - 1, 1))
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, in_h - 1), np.minimum(x0 + 1, in_w - 1)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = plane[y0][:, x0] * (1 - fx) + plane[y0][:, x1] * fx
    bottom = plane[y1][:, x0] * (1 - fx) + plane[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def simulate(alpha, rng):
    h, w = alpha.shape
    small = resize_corner_aligned(alpha, NETWORK_SIDE, NETWORK_SIDE)
    small = ndimage.gaussian_filter(small, 1.0)
    noise = ndimage.gaussian_filter(rng.standard_normal((NETWORK_SIDE, NETWORK_SIDE)), 12.0)
    noise *= 1.2 / max(noise.std(), 1e-9)
    probability = 1.0 / (1.0 + np.exp(-(10.0 * (small - 0.5) + noise)))
    probability = np.floor(probability * 255.0) / 255.0
    return resize_corner_aligned(probability, h, w)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="build/cutout-eval", help="the set made by make_set.py")
    parser.add_argument("--out", default=None, help="output folder (default SET/coarse-sim)")
    args = parser.parse_args()
    out = args.out or os.path.join(args.set, "coarse-sim")
    os.makedirs(out, exist_ok=True)
    truth = os.path.join(args.set, "truth")
    for file in sorted(f for f in os.listdir(truth) if f.endswith("-alpha.png")):
        name = file[:-len("-alpha.png")]
        alpha = np.asarray(Image.open(os.path.join(truth, file)), np.float64) / 65535.0
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        coarse = simulate(alpha, rng)
        Image.fromarray(np.round(coarse * 255).astype(np.uint8)).save(os.path.join(out, name + ".png"))
        print(name, flush=True)


if __name__ == "__main__":
    main()
