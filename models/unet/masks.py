# SPDX-License-Identifier: GPL-3.0-or-later
"""Random inpainting masks (1 = to generate) drawn at pixel resolution and reduced to latent cells: a cell
is to be generated when any of its pixels is, so that a known cell never carries masked content. The same
masks serve training (models/unet/train_unet.py) and the held-aside evaluation (models/unet/evaluate.py)."""
import numpy as np
from PIL import Image, ImageDraw

KINDS = ("box", "strokes", "object", "inverted_object", "border", "full")


def _box(rng, side, draw):
    w, h = rng.uniform(0.2, 0.7, 2) * side
    x, y = rng.uniform(0, side - w), rng.uniform(0, side - h)
    draw.rectangle([x, y, x + w, y + h], fill=255)


def _strokes(rng, side, draw):
    for _ in range(rng.integers(1, 5)):
        x, y = rng.uniform(0, side, 2)
        width = int(rng.uniform(0.05, 0.18) * side)
        for _ in range(rng.integers(3, 9)):
            angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(0.1, 0.35) * side
            nx, ny = np.clip(x + length * np.cos(angle), 0, side), np.clip(y + length * np.sin(angle), 0, side)
            draw.line([x, y, nx, ny], fill=255, width=width)
            draw.ellipse([nx - width / 2, ny - width / 2, nx + width / 2, ny + width / 2], fill=255)
            x, y = nx, ny


def _object(rng, side, draw):
    """An object-like silhouette: a polygon around a centre with a smoothly varying radius, the shape of a
    product or a person rather than a rectangle."""
    cx, cy = rng.uniform(0.3, 0.7, 2) * side
    base = rng.uniform(0.15, 0.35) * side
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    radius = base * (1 + sum(rng.uniform(-0.25, 0.25) * np.cos(k * angles + rng.uniform(0, 2 * np.pi))
                             for k in (1, 2, 3)))
    stretch = rng.uniform(0.6, 1.6)
    points = [(cx + r * np.cos(a) * stretch, cy + r * np.sin(a) / stretch) for a, r in zip(angles, radius, strict=True)]
    draw.polygon(points, fill=255)


def _border(rng, side, draw):
    widths = rng.uniform(0, 0.35, 4) * side * (rng.random(4) < 0.7)
    if widths.max() == 0:
        widths[rng.integers(4)] = 0.25 * side
    draw.rectangle([0, 0, side, widths[0]], fill=255)
    draw.rectangle([0, side - widths[1], side, side], fill=255)
    draw.rectangle([0, 0, widths[2], side], fill=255)
    draw.rectangle([side - widths[3], 0, side, side], fill=255)


def pixel_mask(rng, kind, side):
    image = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(image)
    if kind == "full":
        return np.ones((side, side), np.float32)
    {"box": _box, "strokes": _strokes, "object": _object, "inverted_object": _object, "border": _border}[kind](
        rng, side, draw)
    mask = (np.asarray(image) > 127).astype(np.float32)
    return 1 - mask if kind == "inverted_object" else mask


def latent_mask(pixels, factor=8):
    h, w = pixels.shape
    return pixels.reshape(h // factor, factor, w // factor, factor).max(axis=(1, 3))
