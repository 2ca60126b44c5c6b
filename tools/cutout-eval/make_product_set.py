# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the product-photo cut-out set: objects as a seller photographs them,
with exact ground truth.

Objects: five real products cut out of the studio photographs of
../shared/data/products by keying against their plain backgrounds
(product_keying.py; no network involved), and the nine rendered kinds of
make_set.py (thin parts, hair/fur, glass, holes). Each is scaled so that it
fills 35-80 % of the frame's height or width (the larger), placed near the
centre, standing on the lower part of the frame, on a backdrop made of the
photographs of ../shared/data/train: a close-up of a surface (a crop of a
scene's lower half enlarged, as a floor, table, fabric or ground), or a
surface below a horizon with a scene behind it blurred as by a shallow depth
of field; half of them with a soft contact shadow on the surface (part of the
background: the truth's alpha is 0 there). Frames are phone photographs'
3:4 and 4:3 at the sizes shops resize them to.

The ground truth is exact by construction: composite = alpha F + (1 - alpha) B
with the object's alpha and foreground F as resampled (premultiplied).
Deterministic (one seed per image). The set goes to --out (build/, not git).

usage: make_product_set.py [--data DIR] [--products DIR] [--out DIR] [--sheet PATH.jpg]
writes the same layout as make_set.py: OUT/images/NAME.png, OUT/truth/NAME-alpha.png (16-bit),
OUT/truth/NAME-foreground.png, OUT/manifest.tsv; NAME is photo-KIND-NN or drawn-KIND-NN.
"""
import argparse
import os

import make_set
import numpy as np
import product_keying
from PIL import Image, ImageFilter

SIZES = [(1536, 2048), (2048, 1536), (1200, 1600), (1600, 1200), (1080, 1440)]  # (width, height)
# Studio photographs and their keying thresholds, set by eye on the cut-outs over magenta, black and blue:
# (distance threshold in levels: above the soft shadows of the grey sweeps; smallest hole kept, px).
PRODUCTS = {
    "bag": ("bag_duffel_white.jpg", 20, 5000),
    "bottle": ("bottle_vitamins_white.jpg", 20, 3000),
    "watch": ("watch_plain.jpg", 22, 800),
    "mug": ("mug_plain.jpg", 90, 800),
    "hairdryer": ("hairdryer_plain.jpg", 75, 800),
}
PHOTO_PLACEMENTS = 7
DRAWN_PLACEMENTS = 3


def scaled(alpha, foreground, factor):
    """The object resampled by @factor, premultiplied so that no background bleeds into its edge."""
    h, w = alpha.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    planes = [alpha] + [alpha * foreground[..., c] for c in range(3)]
    out = [np.asarray(Image.fromarray(p.astype(np.float32), mode="F").resize(size, Image.LANCZOS)) for p in planes]
    a = np.clip(out[0], 0, 1)
    premultiplied = np.stack(out[1:], -1)
    f = np.clip(premultiplied / np.maximum(a, 1e-6)[..., None], 0, 1)
    a = np.where(a < 1e-4, 0, a)
    return a, np.where(a[..., None] > 0, f, 0)


def crop_resized(img, box, w, h):
    return np.asarray(img.crop(box).resize((w, h), Image.BICUBIC), np.float32) / 255.0


def surface(rng, img, w, h):
    """A close-up of a surface: a small crop of the photograph's lower half, enlarged."""
    crop_w = int(img.width * rng.uniform(0.2, 0.4))
    crop_h = min(int(crop_w * h / w), img.height // 2)
    crop_w = int(crop_h * w / h)
    left = rng.integers(0, img.width - crop_w + 1)
    top = rng.integers(img.height // 2, img.height - crop_h + 1)
    return crop_resized(img, (left, top, left + crop_w, top + crop_h), w, h)


def backdrop(rng, files, w, h):
    """(h, w, 3) in 0..1 and a description of it; the horizon row or 0."""
    floor_file = files[rng.integers(len(files))]
    floor = surface(rng, Image.open(floor_file).convert("RGB"), w, h)
    names = [os.path.relpath(floor_file, os.path.dirname(os.path.dirname(floor_file)))]
    horizon = 0
    if rng.random() < 0.6:
        scene_file = files[rng.integers(len(files))]
        scene = make_set.background(rng, [scene_file], w, h)[0]
        blur = rng.uniform(3.0, 10.0) * w / 1536
        scene = np.asarray(Image.fromarray(np.round(scene * 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(blur)), np.float32) / 255.0
        horizon = int(h * rng.uniform(0.35, 0.6))
        # The table's far edge: a soft step over a few pixels.
        t = np.clip((np.arange(h) - horizon) / 4.0 + 0.5, 0, 1)[:, None, None]
        floor = t * floor + (1 - t) * scene
        names.append(os.path.relpath(scene_file, os.path.dirname(os.path.dirname(scene_file))))
    if rng.random() < 0.4:
        floor = np.asarray(Image.fromarray(np.round(floor * 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(rng.uniform(1.0, 3.0))), np.float32) / 255.0
    return floor, "+".join(names)


def contact_shadow(background, left, top, alpha, rng):
    """Darkens the surface under the object's base by a soft ellipse."""
    h, w = alpha.shape
    rows = np.flatnonzero(alpha.max(1) > 0.5)
    base = top + (rows.max() if rows.size else h - 1)
    cols = np.flatnonzero(alpha[max(rows.max() - h // 10, 0):].max(0) > 0.5) if rows.size else np.arange(w)
    cx = left + (cols.min() + cols.max()) / 2
    half_w = max((cols.max() - cols.min()) / 2 * 1.1, 8)
    half_h = max(half_w * 0.12, 4)
    y, x = np.mgrid[0:background.shape[0], 0:background.shape[1]]
    d = ((x - cx) / half_w) ** 2 + ((y - base) / half_h) ** 2
    shade = 1 - rng.uniform(0.3, 0.6) * np.exp(-2 * d)
    return background * shade[..., None]


def place(rng, alpha, foreground, w, h):
    """The object scaled and positioned in a w x h frame: full-frame alpha and foreground."""
    ys, xs = np.nonzero(alpha > 0)
    alpha = alpha[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    foreground = foreground[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    fill = rng.uniform(0.35, 0.8)
    factor = fill / max(alpha.shape[0] / h, alpha.shape[1] / w)
    alpha, foreground = scaled(alpha, foreground, factor)
    oh, ow = alpha.shape
    left = int(np.clip(w / 2 + rng.uniform(-0.08, 0.08) * w - ow / 2, 0, w - ow))
    bottom = h * rng.uniform(0.78, 0.95)
    top = int(np.clip(bottom - oh, 0, h - oh))
    full_alpha = np.zeros((h, w), np.float32)
    full_fg = np.zeros((h, w, 3), np.float32)
    full_alpha[top:top + oh, left:left + ow] = alpha
    full_fg[top:top + oh, left:left + ow] = foreground
    return full_alpha, full_fg, (left, top, alpha)


def drawn_object(kind, rng):
    """A make_set.py rendered object, drawn on a square canvas."""
    side = 1400
    canvas = make_set.Canvas(side, side)
    make_set.DRAW[kind](canvas, rng, side / 2, side / 2, side * 0.8)
    return canvas.alpha, canvas.foreground()


def thumbnails(out, path, side=180, across=8):
    """A grid of every image of the set, each fitted into a side x side cell on grey."""
    names = sorted(os.listdir(os.path.join(out, "images")))
    rows = -(-len(names) // across)
    sheet = Image.new("RGB", (across * side, rows * side), (128, 128, 128))
    for k, name in enumerate(names):
        img = Image.open(os.path.join(out, "images", name)).convert("RGB")
        img.thumbnail((side - 4, side - 4), Image.LANCZOS)
        x, y = (k % across) * side + (side - img.width) // 2, (k // across) * side + (side - img.height) // 2
        sheet.paste(img, (x, y))
    sheet.save(path, quality=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/train", help="folder of the background photographs")
    parser.add_argument("--products", default="../shared/data/products", help="folder of the studio photographs")
    parser.add_argument("--out", default="build/cutout-eval-products", help="output folder (not in git)")
    parser.add_argument("--sheet", help="only write a JPEG of thumbnails of the set already in --out")
    args = parser.parse_args()
    if args.sheet:
        thumbnails(args.out, args.sheet)
        return
    files = sorted(os.path.join(args.data, d, f) for d in make_set.BACKGROUND_FOLDERS
                   for f in os.listdir(os.path.join(args.data, d)))
    for sub in ("images", "truth"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    jobs = [("photo", kind, i) for kind in PRODUCTS for i in range(PHOTO_PLACEMENTS)]
    jobs += [("drawn", kind, i) for kind in make_set.KINDS for i in range(DRAWN_PLACEMENTS)]
    keyed = {}
    manifest = []
    for n, (source, kind, i) in enumerate(jobs):
        name = f"{source}-{kind}-{i:02d}"
        rng = np.random.default_rng(50_000 + n)
        w, h = SIZES[rng.integers(len(SIZES))]
        if source == "photo":
            file, threshold, min_hole = PRODUCTS[kind]
            if kind not in keyed:
                keyed[kind] = product_keying.key(os.path.join(args.products, file), threshold, min_hole)
            alpha, foreground = keyed[kind]
            if rng.random() < 0.5:
                alpha, foreground = alpha[:, ::-1], foreground[:, ::-1]
        else:
            alpha, foreground = drawn_object(kind, rng)
        alpha, foreground, (left, top, small) = place(rng, alpha, foreground, w, h)
        background, source_names = backdrop(rng, files, w, h)
        if rng.random() < 0.5:
            background = contact_shadow(background, left, top, small, rng)
        composite = alpha[..., None] * foreground + (1 - alpha[..., None]) * background
        Image.fromarray(np.round(np.clip(composite, 0, 1) * 255).astype(np.uint8)).save(
            os.path.join(args.out, "images", name + ".png"))
        Image.fromarray(np.round(alpha * 65535).astype(np.uint16)).save(
            os.path.join(args.out, "truth", name + "-alpha.png"))
        Image.fromarray(np.round(foreground * 255).astype(np.uint8)).save(
            os.path.join(args.out, "truth", name + "-foreground.png"))
        coverage = float((alpha > 0.5).mean())
        manifest.append(f"{name}\t{w}x{h}\t{coverage:.3f}\t{source_names}")
        print(name, w, h, f"{coverage:.3f}", source_names, flush=True)
    with open(os.path.join(args.out, "manifest.tsv"), "w") as f:
        f.write("name\tsize\tobject area\tbackground\n" + "\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
