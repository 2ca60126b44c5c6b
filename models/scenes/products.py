# SPDX-License-Identifier: GPL-3.0-or-later
"""Drawn product silhouettes (bottle, jar, box, cup, tube, ball) shaded by the scene's light, as the kept
region of inverted-mask training samples: the model learns to generate the surface under a product and the
backdrop behind it. Drawn in a unit box (x 0..1 across, y 0..1 from the top, base at y = 1), then placed."""
import numpy as np


def _profile(kind, rng, y):
    """Half-width (0..0.5) of the silhouette at relative heights @y (0 top, 1 base)."""
    if kind == "bottle":
        neck = rng.uniform(0.25, 0.45)
        shoulder = np.clip((y - neck) / 0.15, 0, 1)
        return np.where(y < neck, 0.14, 0.14 + (0.5 - 0.14) * np.sin(shoulder * np.pi / 2))
    if kind == "jar":
        return np.where(y < 0.12, 0.42, 0.5)
    if kind == "cup":
        return 0.38 + 0.12 * (1 - y)
    if kind == "tube":
        return 0.5 - 0.25 * np.clip((y - 0.85) / 0.15, 0, 1)
    if kind == "ball":
        return 0.5 * np.sqrt(np.clip(1 - (2 * y - 1) ** 2, 0, 1))
    return np.full_like(y, 0.5)


KINDS = ("bottle", "jar", "box", "cup", "tube", "ball")
ASPECT = {"bottle": (0.3, 0.45), "jar": (0.6, 0.9), "box": (0.5, 1.4), "cup": (0.8, 1.2), "tube": (0.2, 0.35),
          "ball": (1.0, 1.0)}


def draw_product(rng, kind, width, height, light):
    """Mask (height x width, 0..1) and RGB (height x width x 3) of a product of @kind lit from @light."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    y = (yy + 0.5) / height
    x = (xx + 0.5) / width - 0.5
    half = _profile(kind, rng, y)
    # An elliptic base: the bottom of a round product seen from above the table curves down.
    base_curve = 0.04 * np.sqrt(np.clip(1 - (x / np.maximum(half, 1e-3)) ** 2, 0, 1)) if kind != "box" else 0
    mask = ((np.abs(x) <= half) & (y <= 1 - 0.04 + base_curve)).astype(np.float32)
    across = np.clip(x / np.maximum(half, 1e-3), -1, 1)
    lx = light[0]
    shade = 0.75 + 0.25 * across * lx - 0.15 * across ** 2
    highlight = np.exp(-((across - 0.55 * np.sign(lx + 1e-6)) ** 2) / 0.02) * rng.uniform(0.0, 0.5)
    colour = rng.uniform(0.1, 0.95, 3) if rng.random() < 0.7 else np.full(3, rng.uniform(0.05, 0.98))
    rgb = colour[None, None, :] * shade[:, :, None] + highlight[:, :, None]
    if kind in ("bottle", "jar", "box", "tube") and rng.random() < 0.6:
        label_top, label_bottom = sorted(rng.uniform(0.45, 0.9, 2))
        band = (y > label_top) & (y < label_bottom + 0.05)
        rgb = np.where(band[:, :, None], rng.uniform(0.3, 1.0, 3)[None, None, :] * shade[:, :, None], rgb)
    return mask, np.clip(rgb, 0, 1)


def random_product(rng, height, light):
    kind = KINDS[rng.integers(len(KINDS))]
    aspect = rng.uniform(*ASPECT[kind])
    width = max(4, int(round(height * aspect)))
    return draw_product(rng, kind, width, max(4, int(round(height))), light)
