# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the cut-out evaluation set: rendered product-like objects with exact
alpha and exact foreground colour, composited onto real photographs.

Every image is deterministic (its own seeded generator). Objects are drawn as
layers of signed distance fields (alpha = pixel coverage of a 1-px
antialiased edge, or a soft edge where the object is soft) with shading and
texture; the layers are composited with "over" into the object's own alpha
and premultiplied colour, so the true foreground F and alpha are known
everywhere. The backgrounds are crops of ../shared/data/train/*, read from
there and never copied into the project.

usage: make_set.py [--data DIR] [--out DIR] [--per-kind N]
writes OUT/images/NAME.png (the composite, 8-bit RGB),
       OUT/truth/NAME-alpha.png (16-bit grey), OUT/truth/NAME-foreground.png (8-bit RGB)
"""
import argparse
import math
import os
import sys

import numpy as np
from PIL import Image, ImageFilter

SIZES = [(1600, 1200), (1200, 1600), (1440, 1440), (2000, 1500)]  # (width, height)
KINDS = ["bottle", "box", "ring", "bag", "plant", "headphones", "tuft", "glass", "plush"]
BACKGROUND_FOLDERS = ["bsds200", "sun_hays80", "wikipedia-photos"]


# ---------------------------------------------------------------- signed distances (pixels, < 0 inside)

def rotate(x, y, cx, cy, angle):
    c, s = math.cos(angle), math.sin(angle)
    return (x - cx) * c + (y - cy) * s, -(x - cx) * s + (y - cy) * c


def sd_box(px, py, half_w, half_h, radius):
    qx = np.abs(px) - half_w + radius
    qy = np.abs(py) - half_h + radius
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    inside = np.minimum(np.maximum(qx, qy), 0)
    return outside + inside - radius


def sd_ellipse(px, py, a, b):
    # Scaled radial distance: exact for circles, close enough near the edge of
    # the mild ellipses drawn here.
    return (np.hypot(px / a, py / b) - 1.0) * min(a, b)


def sd_segment(x, y, x0, y0, x1, y1, width):
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
    return np.hypot(x - x0 - t * dx, y - y0 - t * dy) - width / 2


def coverage(sd, softness=1.0):
    """Alpha of a shape: a 1-px antialiased edge, or a ramp `softness` px wide."""
    return np.clip(0.5 - sd / softness, 0.0, 1.0)


# ---------------------------------------------------------------- colour fields

def smooth_noise(rng, h, w, cell, lo=0.0, hi=1.0):
    small = rng.random((max(2, h // cell + 2), max(2, w // cell + 2))).astype(np.float32)
    img = Image.fromarray(small, mode="F").resize((w + 2 * cell, h + 2 * cell), Image.BICUBIC)
    field = np.asarray(img)[cell:cell + h, cell:cell + w]
    return lo + (hi - lo) * np.clip(field, 0, 1)


def random_colour(rng, saturation=(0.3, 0.9), value=(0.3, 0.95)):
    hue = rng.random()
    s = rng.uniform(*saturation)
    v = rng.uniform(*value)
    k = (np.array([5, 3, 1]) + hue * 6) % 6
    return v - v * s * np.clip(np.minimum(k, 4 - k), 0, 1)


class Canvas:
    """The object being drawn: its alpha and premultiplied colour, layer over layer."""

    def __init__(self, h, w):
        self.h, self.w = h, w
        self.y, self.x = np.mgrid[0:h, 0:w].astype(np.float32)
        self.alpha = np.zeros((h, w), np.float32)
        self.premultiplied = np.zeros((h, w, 3), np.float32)

    def over(self, alpha, colour, box=None):
        """Composites a layer (alpha (h, w), colour (h, w, 3) or (3,)) over the object."""
        ys, xs = box if box is not None else (slice(None), slice(None))
        colour = np.broadcast_to(np.clip(colour, 0, 1), alpha.shape + (3,))
        a = alpha[..., None]
        self.premultiplied[ys, xs] = a * colour + (1 - a) * self.premultiplied[ys, xs]
        self.alpha[ys, xs] = alpha + (1 - alpha) * self.alpha[ys, xs]

    def foreground(self):
        safe = np.maximum(self.alpha, 1e-6)[..., None]
        return np.clip(self.premultiplied / safe, 0, 1)


def shaded(base, shade, texture):
    return np.clip(np.asarray(base)[None, None, :] * (shade * texture)[..., None], 0, 1)


def highlight(px, width, centre, strength=0.6):
    return strength * np.exp(-((px - centre) / width) ** 2)


# ---------------------------------------------------------------- objects

def draw_bottle(c, rng, cx, cy, size):
    angle = rng.uniform(-0.25, 0.25)
    px, py = rotate(c.x, c.y, cx, cy, angle)
    body_w, body_h = size * rng.uniform(0.13, 0.2), size * rng.uniform(0.26, 0.34)
    neck_w = body_w * rng.uniform(0.3, 0.45)
    body = sd_box(px, py - body_h * 0.25, body_w, body_h, body_w * 0.35)
    shoulder = sd_ellipse(px, py + body_h * 0.6, body_w, body_h * 0.45)
    neck = sd_box(px, py + body_h * 1.05, neck_w, body_h * 0.35, neck_w * 0.3)
    sd = np.minimum(np.minimum(body, shoulder), neck)
    base = random_colour(rng)
    shade = 0.45 + 0.55 * np.maximum(np.cos(np.clip(px / body_w, -1, 1) * math.pi / 2), 0) ** 0.6
    texture = smooth_noise(rng, c.h, c.w, 48, 0.9, 1.1)
    colour = shaded(base, shade, texture) + highlight(px, body_w * 0.12, -body_w * 0.45)[..., None]
    label = np.abs(py + body_h * -0.1) < body_h * 0.35
    colour = np.where((label & (sd < -body_w * 0.05))[..., None], shaded(random_colour(rng), shade, texture), colour)
    c.over(coverage(sd), colour)
    cap = sd_box(px, py + body_h * 1.45, neck_w * 1.15, body_h * 0.1, 3.0)
    c.over(coverage(cap), shaded(random_colour(rng, value=(0.1, 0.9)), shade, texture))


def draw_box(c, rng, cx, cy, size):
    angle = rng.uniform(-0.6, 0.6)
    px, py = rotate(c.x, c.y, cx, cy, angle)
    half_w, half_h = size * rng.uniform(0.22, 0.35), size * rng.uniform(0.18, 0.3)
    sd = sd_box(px, py, half_w, half_h, rng.uniform(1, 8))
    base = random_colour(rng)
    side = px > half_w * rng.uniform(0.2, 0.5)
    shade = np.where(side, 0.7, 1.0) * (0.85 + 0.15 * py / half_h)
    texture = smooth_noise(rng, c.h, c.w, 24, 0.85, 1.1)
    colour = shaded(base, shade, texture)
    # Printed blocks: a label's text-like marks.
    marks = (((np.floor(px / 14) + np.floor(py / 9)) % 3 == 0)
             & (np.abs(py) < half_h * 0.3) & (np.abs(px) < half_w * 0.6))
    colour = np.where(marks[..., None], colour * 0.3, colour)
    c.over(coverage(sd), colour)


def draw_ring(c, rng, cx, cy, size):
    angle = rng.uniform(0, math.pi)
    px, py = rotate(c.x, c.y, cx, cy, angle)
    a, b = size * rng.uniform(0.25, 0.35), size * rng.uniform(0.15, 0.3)
    thickness = size * rng.uniform(0.03, 0.08)
    sd = np.abs(sd_ellipse(px, py, a, b)) - thickness / 2
    metal = np.array([0.95, 0.78, 0.35]) if rng.random() < 0.5 else np.array([0.85, 0.86, 0.9])
    theta = np.arctan2(py / b, px / a)
    shade = 0.55 + 0.45 * np.abs(np.sin(3 * theta + rng.uniform(0, 3)))
    colour = shaded(metal, shade, smooth_noise(rng, c.h, c.w, 16, 0.9, 1.05))
    c.over(coverage(sd), colour)
    gem_r = thickness * rng.uniform(0.8, 1.4)
    gem = sd_ellipse(px, py + b, gem_r, gem_r)
    c.over(coverage(gem), shaded(random_colour(rng, (0.6, 1.0)), 0.7 + 0.3 * np.cos(px / gem_r), np.ones((c.h, c.w))))


def draw_bag(c, rng, cx, cy, size):
    px, py = rotate(c.x, c.y, cx, cy, rng.uniform(-0.15, 0.15))
    half_w, half_h = size * rng.uniform(0.25, 0.33), size * rng.uniform(0.18, 0.25)
    body = sd_box(px, py - half_h * 0.4, half_w, half_h, size * 0.04)
    base = random_colour(rng, value=(0.2, 0.8))
    texture = smooth_noise(rng, c.h, c.w, 6, 0.85, 1.1)
    shade = 0.75 + 0.25 * np.cos(px / half_w)
    # The strap: the upper half of an elliptical loop, a few pixels to tens thick.
    strap_w = rng.choice([rng.uniform(4, 9), rng.uniform(12, 30)])
    loop = np.abs(sd_ellipse(px, py + half_h * 0.6, half_w * 0.7, half_h * 1.6)) - strap_w / 2
    strap = np.where(py < -half_h * 0.5, loop, 1e6)
    c.over(coverage(strap), shaded(base * 0.8, np.ones((c.h, c.w)), texture))
    c.over(coverage(body), shaded(base, shade, texture))


def draw_plant(c, rng, cx, cy, size):
    px, py = c.x - cx, c.y - cy
    pot_h = size * 0.2
    pot = sd_box(px, py - size * 0.3, size * 0.14, pot_h, 6)
    green = np.array([0.2, 0.55, 0.15]) * rng.uniform(0.7, 1.3)
    texture = smooth_noise(rng, c.h, c.w, 12, 0.8, 1.15)
    for _ in range(rng.integers(6, 14)):
        x0, y0 = cx + rng.uniform(-0.05, 0.05) * size, cy + size * 0.1
        ang = rng.uniform(-2.6, -0.5)
        length = size * rng.uniform(0.25, 0.55)
        x1, y1 = x0 + length * math.cos(ang), y0 + length * math.sin(ang)
        stem_w = rng.uniform(2.0, 6.0)
        box = _bbox(c, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), length * 0.3)
        sx, sy = c.x[box], c.y[box]
        c.over(coverage(sd_segment(sx, sy, x0, y0, x1, y1, stem_w)), green * 0.8, box)
        lx, ly = rotate(sx, sy, x1, y1, ang)
        leaf_a, leaf_b = length * rng.uniform(0.15, 0.3), length * rng.uniform(0.05, 0.1)
        leaf = sd_ellipse(lx - leaf_a * 0.8, ly, leaf_a, leaf_b)
        c.over(coverage(leaf), shaded(green * rng.uniform(0.8, 1.3), 0.8 + 0.2 * np.tanh(ly / leaf_b),
                                      texture[box]), box)
    c.over(coverage(pot), shaded(random_colour(rng, value=(0.4, 0.9)), 0.8 + 0.2 * np.cos(px / (size * 0.14)), texture))


def draw_headphones(c, rng, cx, cy, size):
    px, py = rotate(c.x, c.y, cx, cy, rng.uniform(-0.3, 0.3))
    base = random_colour(rng, value=(0.1, 0.7))
    band_w = size * rng.uniform(0.025, 0.05)
    r = size * 0.3
    band = np.where(py < 0, np.abs(np.hypot(px, py) - r) - band_w / 2, 1e6)
    c.over(coverage(band), shaded(base, 0.8 + 0.2 * np.cos(np.arctan2(py, px) * 4), np.ones((c.h, c.w))))
    for side in (-1, 1):
        cup = sd_ellipse(px - side * r, py - size * 0.05, size * 0.09, size * 0.14)
        c.over(coverage(cup), shaded(base, 0.6 + 0.4 * np.exp(-((px - side * r * 0.95) / (size * 0.06)) ** 2),
                                     smooth_noise(rng, c.h, c.w, 20, 0.9, 1.1)))
    # A cable hanging from the right cup: a smooth random curve, a few pixels thick.
    width = rng.uniform(2.5, 5.0)
    x, y = cx + r, cy + size * 0.18
    heading = math.pi / 2
    for _ in range(40):
        heading += rng.uniform(-0.35, 0.35)
        step = size * 0.02
        nx, ny = x + step * math.cos(heading), y + step * math.sin(heading)
        box = _bbox(c, min(x, nx), min(y, ny), max(x, nx), max(y, ny), width + 2)
        if box is not None:
            c.over(coverage(sd_segment(c.x[box], c.y[box], x, y, nx, ny, width)), base * 0.6, box)
        x, y = nx, ny


def draw_tuft(c, rng, cx, cy, size):
    """A fur ball or a tuft of hair: a soft blob and hundreds of semi-transparent strands."""
    a, b = size * rng.uniform(0.15, 0.25), size * rng.uniform(0.12, 0.2)
    px, py = c.x - cx, c.y - cy
    hair = np.array([0.45, 0.3, 0.15]) * rng.uniform(0.5, 2.0)
    texture = smooth_noise(rng, c.h, c.w, 5, 0.75, 1.2)
    c.over(coverage(sd_ellipse(px, py, a, b), 3.0), shaded(hair, 0.8 + 0.2 * np.cos(px / a), texture))
    for _ in range(rng.integers(300, 600)):
        t = rng.uniform(0, 2 * math.pi)
        x0, y0 = cx + a * 0.9 * math.cos(t), cy + b * 0.9 * math.sin(t)
        heading = t + rng.uniform(-0.5, 0.5)
        length = size * rng.uniform(0.05, 0.2)
        width = rng.uniform(0.8, 2.5)
        opacity = rng.uniform(0.4, 0.95)
        colour = np.clip(hair * rng.uniform(0.7, 1.4), 0, 1)
        x, y = x0, y0
        for _ in range(3):
            heading += rng.uniform(-0.25, 0.25)
            nx, ny = x + length / 3 * math.cos(heading), y + length / 3 * math.sin(heading)
            box = _bbox(c, min(x, nx), min(y, ny), max(x, nx), max(y, ny), width + 2)
            if box is not None:
                c.over(opacity * coverage(sd_segment(c.x[box], c.y[box], x, y, nx, ny, width)), colour, box)
            x, y = nx, ny


def draw_glass(c, rng, cx, cy, size):
    """A wine glass: mostly transparent (partial alpha), its rim and stem more opaque."""
    px, py = c.x - cx, c.y - cy
    bowl_a, bowl_b = size * rng.uniform(0.14, 0.2), size * rng.uniform(0.18, 0.25)
    bowl = np.maximum(sd_ellipse(px, py + size * 0.15, bowl_a, bowl_b), -(py + size * 0.15 + bowl_b * 0.5))
    stem = sd_box(px, py - size * 0.15, rng.uniform(3, 6), size * 0.15, 1)
    foot = sd_ellipse(px, py - size * 0.3, bowl_a * 0.8, size * 0.02)
    sd = np.minimum(np.minimum(bowl, stem), foot)
    tint = np.array([0.85, 0.92, 0.95]) * rng.uniform(0.85, 1.0)
    body_alpha = rng.uniform(0.15, 0.4)
    alpha = coverage(sd) * np.where(sd > -rng.uniform(4, 8), 0.9, body_alpha)
    alpha = np.where(stem < 0, np.maximum(alpha, 0.7 * coverage(stem)), alpha)
    colour = np.broadcast_to(tint, (c.h, c.w, 3)) + highlight(px, bowl_a * 0.08, -bowl_a * 0.5, 0.3)[..., None]
    c.over(alpha, colour)


def draw_plush(c, rng, cx, cy, size):
    """A plush toy: a soft, fuzzy edge several pixels wide."""
    px, py = c.x - cx, c.y - cy
    theta = np.arctan2(py, px)
    wobble = size * 0.02 * np.sin(theta * rng.integers(3, 7) + rng.uniform(0, 6))
    body = sd_ellipse(px, py - size * 0.08, size * 0.22, size * 0.2) + wobble
    head = sd_ellipse(px, py + size * 0.2, size * 0.15, size * 0.13)
    ears = np.minimum(sd_ellipse(px - size * 0.12, py + size * 0.33, size * 0.05, size * 0.05),
                      sd_ellipse(px + size * 0.12, py + size * 0.33, size * 0.05, size * 0.05))
    sd = np.minimum(np.minimum(body, head), ears)
    fuzz = smooth_noise(rng, c.h, c.w, 2, -3.0, 3.0)
    soft = rng.uniform(3.0, 8.0)
    colour = shaded(random_colour(rng, (0.2, 0.5), (0.6, 0.95)), 0.8 + 0.2 * np.tanh(-py / size * 3),
                    smooth_noise(rng, c.h, c.w, 3, 0.85, 1.1))
    c.over(coverage(sd + fuzz, soft), colour)
    eyes = np.minimum(sd_ellipse(px - size * 0.05, py + size * 0.22, 6, 6),
                      sd_ellipse(px + size * 0.05, py + size * 0.22, 6, 6))
    c.over(coverage(eyes), np.array([0.05, 0.05, 0.05]))


def _bbox(c, x0, y0, x1, y1, pad):
    """Slices of the canvas around a box, None when it lies outside."""
    top, bottom = max(0, int(y0 - pad)), min(c.h, int(y1 + pad) + 2)
    left, right = max(0, int(x0 - pad)), min(c.w, int(x1 + pad) + 2)
    if top >= bottom or left >= right:
        return None
    return (slice(top, bottom), slice(left, right))


DRAW = {"bottle": draw_bottle, "box": draw_box, "ring": draw_ring, "bag": draw_bag, "plant": draw_plant,
        "headphones": draw_headphones, "tuft": draw_tuft, "glass": draw_glass, "plush": draw_plush}


# ---------------------------------------------------------------- backgrounds

def background(rng, files, w, h):
    path = files[rng.integers(len(files))]
    img = Image.open(path).convert("RGB")
    # A crop of the target's aspect ratio, at least half the photograph, scaled to size.
    aspect = w / h
    crop_w = min(img.width, int(img.height * aspect))
    crop_w = int(crop_w * rng.uniform(0.6, 1.0))
    crop_h = int(crop_w / aspect)
    left, top = rng.integers(0, img.width - crop_w + 1), rng.integers(0, img.height - crop_h + 1)
    img = img.crop((left, top, left + crop_w, top + crop_h)).resize((w, h), Image.BICUBIC)
    if rng.random() < 0.4:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 4.0)))
    return np.asarray(img, np.float32) / 255.0, os.path.relpath(path, os.path.dirname(os.path.dirname(path)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/train", help="folder of the background photographs")
    parser.add_argument("--out", default="build/cutout-eval", help="output folder (not in git)")
    parser.add_argument("--per-kind", type=int, default=7)
    args = parser.parse_args()
    files = sorted(os.path.join(args.data, d, f) for d in BACKGROUND_FOLDERS
                   for f in os.listdir(os.path.join(args.data, d)))
    if not files:
        sys.exit("no background photographs in " + args.data)
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "truth"), exist_ok=True)
    manifest = []
    for k, kind in enumerate(KINDS):
        for i in range(args.per_kind):
            name = f"{kind}-{i:02d}"
            rng = np.random.default_rng(1000 * k + i)
            w, h = SIZES[rng.integers(len(SIZES))]
            canvas = Canvas(h, w)
            size = min(w, h) * rng.uniform(0.75, 1.0)
            cx, cy = w / 2 + rng.uniform(-0.1, 0.1) * w, h / 2 + rng.uniform(-0.08, 0.08) * h
            DRAW[kind](canvas, rng, cx, cy, size)
            alpha, fg = canvas.alpha, canvas.foreground()
            bg, source = background(rng, files, w, h)
            composite = alpha[..., None] * fg + (1 - alpha[..., None]) * bg
            Image.fromarray(np.round(composite * 255).astype(np.uint8)).save(
                os.path.join(args.out, "images", name + ".png"))
            Image.fromarray(np.round(alpha * 65535).astype(np.uint16)).save(
                os.path.join(args.out, "truth", name + "-alpha.png"))
            Image.fromarray(np.round(fg * 255).astype(np.uint8)).save(
                os.path.join(args.out, "truth", name + "-foreground.png"))
            manifest.append(f"{name}\t{w}x{h}\t{source}")
            print(name, w, h, source, flush=True)
    with open(os.path.join(args.out, "manifest.tsv"), "w") as f:
        f.write("name\tsize\tbackground\n" + "\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
