# SPDX-License-Identifier: GPL-3.0-or-later
"""Scores cut-outs against the exact ground truth of make_set.py's set and
prints markdown tables (all images, then per kind of object).

Metrics, per image, then averaged:
  IoU          of alpha > 0.5 against true alpha > 0.5
  MAE          mean |alpha - true alpha| over the whole image
  boundary F   F-score of the contour pixels of alpha > 0.5, a contour pixel
               counting as matched within TOLERANCE px of the other contour
  edge colour  mean |cut-out composited - truth composited| in 8-bit levels,
               composited on white and on black (the mean of both), over the
               edge band: 0 < true alpha < 1, or within TOLERANCE px of the
               true contour

Rows: --coarse LABEL=DIR (a coarse probability NAME.png per image, used as the
alpha, with the photograph's own colours as the foreground: what a plain
mask gives) and --refined LABEL=DIR (NAME-alpha.png and NAME-foreground.png
from cutout-refine, once as written and once with the photograph's colours,
to separate what the matte and the foreground estimate each bring).

usage: evaluate.py --set DIR --coarse LABEL=DIR ... --refined LABEL=DIR ...
                   [--exclude REGEX] [--contact-sheet PATH.jpg] [--per-image PATH.tsv]
"""
import argparse
import os
import re
from collections import defaultdict

import numpy as np
from PIL import Image
from scipy import ndimage

TOLERANCE = 3
METRICS = ["IoU", "MAE", "boundary F", "edge colour"]


def load(path, scale):
    return np.asarray(Image.open(path), np.float64) / scale


def load_alpha(path):
    img = Image.open(path)
    return np.asarray(img, np.float64) / (65535.0 if img.mode.startswith("I") else 255.0)


def contour(mask):
    return mask & ~ndimage.binary_erosion(mask, border_value=1)


def around(*masks, margin=TOLERANCE + 2):
    """Slices of the box holding every pixel of @masks grown by @margin: distances up to the margin to those
    pixels, computed on the box alone, are exact there (and the transforms are far cheaper than the image's)."""
    ys, xs = np.nonzero(np.logical_or.reduce(masks))
    h, w = masks[0].shape
    return (slice(max(ys.min() - margin, 0), min(ys.max() + margin + 1, h)),
            slice(max(xs.min() - margin, 0), min(xs.max() + margin + 1, w)))


def boundary_f(pred, true):
    pred_c, true_c = contour(pred), contour(true)
    if not pred_c.any() or not true_c.any():
        return float(pred_c.any() == true_c.any())
    box = around(pred_c, true_c)
    pred_c, true_c = pred_c[box], true_c[box]
    to_true = ndimage.distance_transform_edt(~true_c)
    to_pred = ndimage.distance_transform_edt(~pred_c)
    precision = (to_true[pred_c] <= TOLERANCE).mean()
    recall = (to_pred[true_c] <= TOLERANCE).mean()
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def edge_band(true_alpha):
    true_c = contour(true_alpha > 0.5)
    near = np.zeros(true_alpha.shape, bool)
    if true_c.any():
        box = around(true_c)
        near[box] = ndimage.distance_transform_edt(~true_c[box]) <= TOLERANCE
    return near | ((true_alpha > 0) & (true_alpha < 1))


def composite(alpha, colour, backdrop):
    return alpha[..., None] * colour + (1 - alpha[..., None]) * backdrop


def scores(alpha, colour, truth):
    true_alpha, true_colour, band = truth
    pred, true = alpha > 0.5, true_alpha > 0.5
    union = (pred | true).sum()
    errors = []
    for backdrop in (1.0, 0.0):
        diff = np.abs(composite(alpha, colour, backdrop) - composite(true_alpha, true_colour, backdrop))
        errors.append(diff[band].mean() * 255)
    return {
        "IoU": (pred & true).sum() / union if union else 1.0,
        "MAE": np.abs(alpha - true_alpha).mean(),
        "boundary F": boundary_f(pred, true),
        "edge colour": float(np.mean(errors)),
    }


def table(title, rows, order):
    lines = ["### " + title, "", "| method | images | " + " | ".join(METRICS) + " |",
             "|---|---|" + "---|" * len(METRICS)]
    for label in order:
        values = rows[label]
        if not values:
            continue
        means = [np.mean([v[m] for v in values]) for m in METRICS]
        lines.append("| {} | {} | {:.4f} | {:.4f} | {:.4f} | {:.2f} |".format(label, len(values), *means))
    return "\n".join(lines)


def write_per_image(path, per_image):
    with open(path, "w", encoding="utf-8") as out:
        out.write("\t".join(["name", "method"] + METRICS) + "\n")
        for name, label, s in per_image:
            out.write("\t".join([name, label] + [f"{s[m]:.4f}" for m in METRICS]) + "\n")


def parse_pairs(pairs):
    out = []
    for pair in pairs or []:
        label, _, path = pair.partition("=")
        out.append((label, path))
    return out


def contact_sheet(path, set_dir, names, coarse_dir, refined_dir, crop=240):
    """Rows: an edge of each image; columns: coarse, refined, truth on white, then on black."""
    tiles = []
    for name in names:
        image = load(os.path.join(set_dir, "images", name + ".png"), 255.0)
        true_alpha = load_alpha(os.path.join(set_dir, "truth", name + "-alpha.png"))
        true_colour = load(os.path.join(set_dir, "truth", name + "-foreground.png"), 255.0)
        coarse = load_alpha(os.path.join(coarse_dir, name + ".png"))
        alpha = load_alpha(os.path.join(refined_dir, name + "-alpha.png"))
        colour = load(os.path.join(refined_dir, name + "-foreground.png"), 255.0)
        # The window where the edge band is densest.
        density = ndimage.uniform_filter(edge_band(true_alpha).astype(np.float32), crop)
        cy, cx = np.unravel_index(np.argmax(density), density.shape)
        top = int(np.clip(cy - crop // 2, 0, image.shape[0] - crop))
        left = int(np.clip(cx - crop // 2, 0, image.shape[1] - crop))
        window = (slice(top, top + crop), slice(left, left + crop))
        row = []
        for backdrop in (1.0, 0.0):
            for a, c in ((coarse, image), (alpha, colour), (true_alpha, true_colour)):
                row.append(composite(a[window], c[window], backdrop))
        tiles.append(np.concatenate(row, axis=1))
    sheet = np.concatenate(tiles, axis=0)
    Image.fromarray(np.round(np.clip(sheet, 0, 1) * 255).astype(np.uint8)).save(path, quality=85)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="build/cutout-eval")
    parser.add_argument("--coarse", action="append", help="LABEL=DIR of coarse probabilities")
    parser.add_argument("--refined", action="append", help="LABEL=DIR of cutout-refine's outputs")
    parser.add_argument("--contact-sheet", help="JPEG of a few edges: coarse, refined, truth on white and black")
    parser.add_argument("--exclude", help="leave out the images whose names match this regular expression")
    parser.add_argument("--per-image", help="TSV of every image's scores per method, to find the worst ones")
    parser.add_argument("--sheet-names", default="tuft-00,glass-01,ring-02,bag-03,plush-04,plant-05,headphones-06")
    args = parser.parse_args()
    coarse_sets, refined_sets = parse_pairs(args.coarse), parse_pairs(args.refined)
    names = sorted(f[:-len(".png")] for f in os.listdir(os.path.join(args.set, "images")) if f.endswith(".png"))
    if args.exclude:
        names = [n for n in names if not re.search(args.exclude, n)]
    order = [label for label, _ in coarse_sets]
    for label, _ in refined_sets:
        order += [label + ", photograph's colours", label]
    overall, per_kind = defaultdict(list), defaultdict(lambda: defaultdict(list))
    per_image = []
    for name in names:
        image = load(os.path.join(args.set, "images", name + ".png"), 255.0)
        true_alpha = load_alpha(os.path.join(args.set, "truth", name + "-alpha.png"))
        true_colour = load(os.path.join(args.set, "truth", name + "-foreground.png"), 255.0)
        truth = (true_alpha, true_colour, edge_band(true_alpha))
        kind = name.rsplit("-", 1)[0]
        results = {}
        for label, folder in coarse_sets:
            results[label] = scores(load_alpha(os.path.join(folder, name + ".png")), image, truth)
        for label, folder in refined_sets:
            alpha = load_alpha(os.path.join(folder, name + "-alpha.png"))
            colour = load(os.path.join(folder, name + "-foreground.png"), 255.0)
            results[label + ", photograph's colours"] = scores(alpha, image, truth)
            results[label] = scores(alpha, colour, truth)
        for label, s in results.items():
            per_image.append((name, label, s))
            overall[label].append(s)
            per_kind[kind][label].append(s)
    print(table(f"All {len(names)} images", overall, order))
    for kind in sorted(per_kind):
        print()
        print(table(kind, per_kind[kind], order))
    if args.per_image:
        write_per_image(args.per_image, per_image)
    if args.contact_sheet and coarse_sets and refined_sets:
        sheet_names = [n for n in args.sheet_names.split(",") if n in names]
        contact_sheet(args.contact_sheet, args.set, sheet_names, coarse_sets[0][1], refined_sets[0][1])


if __name__ == "__main__":
    main()
