# SPDX-License-Identifier: GPL-3.0-or-later
"""Procedural tabletop scenes, the backgrounds a seller photographs a product on: a textured surface in
perspective (geometry.py) up to a horizon at 20-80 % of the height, or seen from above (flat-lay); a backdrop
behind it (plaster, painted wall, seamless sweep, an out-of-focus room); light falling off from one
direction, an optional soft window light, depth of field on the backdrop and the far surface, sensor grain;
and a drawn product standing on the surface with its contact and cast shadows away from the light.

render_scene returns the picture, the product's mask and the conditioning the U-Net is trained with: the
style label, the light vector and the composition (horizon row or flat-lay)."""
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter, map_coordinates

from models.scenes.geometry import (
    apply_homography,
    flat_lay_homography,
    footprint,
    perspective_homography,
    product_height,
    shadow_offset,
)
from models.scenes.products import random_product
from models.scenes.textures import MATERIALS, periodic_noise, surface_texture

BACKDROPS = ("plaster", "painted", "sweep", "room")
# Texture low-pass levels (Gaussian sigma in texels), chosen per pixel by its footprint: a mip-map, so that
# the far surface averages its texture instead of aliasing into noise.
BLUR_LEVELS = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


@dataclass
class Scene:
    image: np.ndarray         # (side, side, 3) float 0..1
    subject: np.ndarray       # (side, side) float 0..1, 1 = product
    label: str
    light: tuple              # (lx, ly): towards the light, y down, length = strength (0 = not directed)
    horizon: float | None     # row of the horizon (0..1), None for a flat-lay
    base_row: float | None    # row of the product's base, None without a product


def _sample_surface(texture, matrix, n):
    yy, xx = (np.mgrid[0:n, 0:n] + 0.5) / n
    u, v = apply_homography(matrix, xx, yy)
    th, tw = texture.shape[:2]
    texels = footprint(matrix, xx, yy, 1.0 / n) * max(th, tw)
    level = np.clip(np.log2(np.maximum(np.nan_to_num(texels, nan=1e6), 1.0)), 0, len(BLUR_LEVELS) - 1)
    coords = np.stack([np.nan_to_num(v) * th, np.nan_to_num(u) * tw])
    out = np.zeros((n, n, 3), np.float32)
    for k, sigma in enumerate(BLUR_LEVELS):
        weight = np.clip(1 - np.abs(level - k), 0, 1)
        used = weight > 0
        if not used.any():
            continue
        blurred = gaussian_filter(texture, (sigma, sigma, 0), mode="wrap") if sigma else texture
        at = coords[:, used]
        for c in range(3):
            out[:, :, c][used] += weight[used] * map_coordinates(blurred[:, :, c], at, order=1, mode="grid-wrap")
    return out


def _backdrop(rng, kind, n, floor_mean, room_photos):
    yy = (np.mgrid[0:n, 0:n][0] + 0.5) / n
    if kind == "room" and room_photos:
        photo = room_photos[rng.integers(len(room_photos))]
        ph, pw = photo.shape[:2]
        side = min(ph, pw)
        y0, x0 = rng.integers(0, ph - side + 1), rng.integers(0, pw - side + 1)
        crop = photo[y0:y0 + side, x0:x0 + side]
        index = (np.arange(n) * side / n).astype(int)
        room = crop[index][:, index]
        return gaussian_filter(room, (n * 0.03, n * 0.03, 0)) * rng.uniform(0.8, 1.1)
    if kind == "sweep":
        colour = floor_mean * rng.uniform(0.9, 1.1)
        return colour[None, None, :] * (1 - rng.uniform(0.0, 0.3) * (1 - yy))[:, :, None] * np.ones((n, n, 1))
    pastel = rng.uniform(0.55, 0.97, 3)
    colour = pastel if rng.random() < 0.6 else np.full(3, rng.uniform(0.3, 0.97))
    amount = 0.05 if kind == "plaster" else 0.012
    texture = 1 + amount * periodic_noise(rng, n, 2.2)
    return colour[None, None, :] * texture[:, :, None]


def _light_field(rng, light, n, horizon):
    """Brightness multiplier: a linear falloff away from the light, and (sometimes) the soft squares of a
    window's light thrown on the surface from the light's side."""
    yy, xx = (np.mgrid[0:n, 0:n] + 0.5) / n
    lx, ly = light
    field = 1 + 0.6 * (lx * (xx - 0.5) + ly * (yy - 0.5))
    if rng.random() < 0.5:
        window = np.zeros((n, n), np.float32)
        cx = 0.5 + 0.35 * lx + rng.uniform(-0.1, 0.1)
        top = (horizon if horizon is not None else 0.0) + rng.uniform(0.05, 0.3)
        w, h = rng.uniform(0.15, 0.35), rng.uniform(0.1, 0.3)
        panes = rng.integers(1, 3)
        for i in range(panes):
            for j in range(panes):
                x0, y0 = cx - w / 2 + i * w / panes, top + j * h / panes
                window += ((xx > x0 + 0.01) & (xx < x0 + w / panes - 0.01)
                           & (yy > y0 + 0.01) & (yy < y0 + h / panes - 0.01))
        window = gaussian_filter(window, n * rng.uniform(0.01, 0.04))
        field = field + rng.uniform(0.1, 0.35) * window
    return np.clip(field, 0.3, 1.8)


def _cutout_product(rng, cutouts, height, light):
    """A real product's cut-out scaled to @height pixels, relit a little from @light's side (the photograph's
    own light stays; this only tilts it towards the scene's)."""
    rgba = cutouts[rng.integers(len(cutouts))]
    h, w = rgba.shape[:2]
    width = max(4, int(round(w * height / h)))
    image = Image.fromarray((rgba * 255 + 0.5).astype(np.uint8)).resize((width, max(4, int(round(height)))),
                                                                        Image.LANCZOS)
    array = np.asarray(image, np.float32) / 255
    across = np.linspace(-1, 1, array.shape[1])[None, :, None]
    return array[:, :, 3], np.clip(array[:, :, :3] * (1 + 0.15 * light[0] * across), 0, 1)


def _place_product(rng, image, subject, light, horizon, n, cutouts):
    lowest = min(max(horizon + 0.1 if horizon is not None else 0.35, 0.55), 0.94)
    base = rng.uniform(lowest, 0.95)
    reference = rng.uniform(0.25, 0.6)
    height = product_height(base, horizon, reference)
    height = float(np.clip(height, 0.12, base - 0.03))
    if cutouts and rng.random() < 0.5:
        mask, rgb = _cutout_product(rng, cutouts, height * n, light)
    else:
        mask, rgb = random_product(rng, height * n, light)
    ph, pw = mask.shape
    x0 = int(rng.uniform(0.15, 0.85) * n - pw / 2)
    y0 = int(base * n) - ph
    x0 = int(np.clip(x0, -pw // 3, n - 2 * pw // 3))
    ys, xs = slice(max(y0, 0), min(y0 + ph, n)), slice(max(x0, 0), min(x0 + pw, n))
    sub = (slice(ys.start - y0, ys.stop - y0), slice(xs.start - x0, xs.stop - x0))
    # Shadows first, on the surface: a tight dark contact ellipse at the base and a soft cast shadow of the
    # product's footprint thrown away from the light (longer for a lower, stronger light).
    yy, xx = (np.mgrid[0:n, 0:n] + 0.5) / n
    centre_x = (x0 + pw / 2) / n
    strength = float(np.hypot(*light))
    half_w = pw / (2 * n)
    contact = np.exp(-(((xx - centre_x) / (half_w * 1.1)) ** 2 + ((yy - base) / (half_w * 0.25 + 0.004)) ** 2))
    dx, dy = shadow_offset(light, height * (0.15 + 0.5 * strength)) if strength > 0 else (0.0, 0.0)
    if horizon is not None:
        dy *= 0.35
    cast = np.exp(-(((xx - centre_x - dx) / (half_w * 1.3 + abs(dx) * 0.6)) ** 2
                    + ((yy - base - dy) / (half_w * 0.35 + abs(dy) * 0.6 + 0.01)) ** 2))
    darkness = np.clip(0.55 * contact + (0.15 + 0.35 * strength) * cast, 0, 0.8)
    image *= (1 - darkness)[:, :, None]
    m = mask[sub]
    image[ys, xs] = image[ys, xs] * (1 - m[:, :, None]) + rgb[sub] * m[:, :, None]
    subject[ys, xs] = np.maximum(subject[ys, xs], m)
    return base


def _downsample(array, factor):
    n = array.shape[0] // factor
    shape = (n, factor, n, factor) + array.shape[2:]
    return array.reshape(shape).mean(axis=(1, 3))


def render_scene(rng, side=256, material=None, backdrop=None, composition=None, light=None, product=True,
                 room_photos=(), surface_photos=(), product_cutouts=(), supersample=2):
    """One scene; every choice left as None is drawn from @rng. @composition: a horizon row (0.2-0.8), or
    "flat-lay". @light: (lx, ly) towards the light, length = strength. @product_cutouts: RGBA arrays of real
    products (cutouts.py), half of the products when given, drawn ones otherwise. Drawn at @supersample times the side
    and averaged down, for smooth product edges (the texture itself is low-passed per pixel either way)."""
    n = side * supersample
    material = material or MATERIALS[rng.integers(len(MATERIALS))]
    if composition is None:
        composition = "flat-lay" if rng.random() < 0.25 else float(rng.uniform(0.2, 0.8))
    horizon = None if composition == "flat-lay" else float(composition)
    backdrop = backdrop or BACKDROPS[rng.integers(len(BACKDROPS))]
    if light is None:
        angle, strength = rng.uniform(0, 2 * np.pi), rng.uniform(0.3, 1.0)
        light = (float(np.cos(angle) * strength), float(np.sin(angle) * strength))
    texture = surface_texture(rng, material, surface_photos)
    yaw = rng.uniform(-0.6, 0.6) if rng.random() < 0.5 else 0.0
    if horizon is None:
        matrix = flat_lay_homography(rng.uniform(0.5, 2.5), rng.uniform(0, 2 * np.pi))
    else:
        repeats = rng.uniform(0.7, 3.0)
        matrix = perspective_homography(horizon, repeats * (1 - horizon), rng.uniform(0.3, 1.0), yaw)
    image = _sample_surface(texture, matrix, n)
    label = material
    if horizon is not None:
        yy = (np.mgrid[0:n, 0:n][0] + 0.5) / n
        wall = _backdrop(rng, backdrop, n, texture.reshape(-1, 3).mean(axis=0), room_photos)
        softness = 0.03 if backdrop == "sweep" else 0.002
        above = 1 / (1 + np.exp((yy - horizon) / softness))
        if backdrop == "sweep":
            image = image * 0 + wall
            label = "studio"
        depth_blur = gaussian_filter(image, (n * 0.006, n * 0.006, 0))
        near = np.clip((yy - horizon) / (1 - horizon), 0, 1)[:, :, None]
        image = image * near + depth_blur * (1 - near)
        wall = gaussian_filter(wall, (n * rng.uniform(0, 0.01),) * 2 + (0,))
        image = wall * above[:, :, None] + image * (1 - above[:, :, None])
    image = image * _light_field(rng, light, n, horizon)[:, :, None]
    subject = np.zeros((n, n), np.float32)
    base = _place_product(rng, image, subject, light, horizon, n, product_cutouts) if product else None
    image = _downsample(image, supersample)
    image = image + rng.normal(0, rng.uniform(0.003, 0.015), image.shape)
    return Scene(np.clip(image, 0, 1).astype(np.float32), _downsample(subject, supersample), label, light, horizon,
                 base)
