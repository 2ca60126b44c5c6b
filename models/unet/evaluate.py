# SPDX-License-Identifier: GPL-3.0-or-later
"""Evaluates inpainting on the photographs prepare_data.py held aside (every tenth of ../shared/data/train,
never trained on): each is cut to a 256x256 square and given a seeded random mask (box, strokes or object
silhouette, masks.py), and the hole's pixels are replaced by noise before any method sees the image: one
that copied what they held would score a leak, not inpainting. Three methods fill the same holes: Atelier
(build/cli/atelier inpaint, its defaults), OpenCV's Telea inpainting (cv2.inpaint, radius 5) and G'MIC's
patch-based inpaint (patch 7, lookup 16).
Reports PSNR and SSIM (Gaussian window, sigma 1.5, on luma) over the hole's pixels, writes
docs/inpaint-evaluation.md and the contact sheets docs/inpaint-contact-sheet.png and docs/style-samples.jpg.

usage: /usr/bin/python3 -m models.unet.evaluate [--count N] [--seed S]"""
import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw
from scipy.ndimage import gaussian_filter

from models.tools.paths import ROOT
from models.unet.masks import pixel_mask
from models.unet.prepare_data import photo_paths

ATELIER = ROOT / "build/cli/atelier"
SIDE = 256
MASK_KINDS = ("box", "strokes", "object")


def square(path):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    side = min(w, h)
    return image.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)).resize(
        (SIDE, SIDE), Image.LANCZOS)


def luma(rgb):
    return rgb @ np.array([0.299, 0.587, 0.114])


def hole_psnr(a, b, hole):
    mse = ((a - b) ** 2)[hole].mean()
    return 10 * np.log10(1.0 / max(mse, 1e-12))


def hole_ssim(a, b, hole):
    """SSIM (Wang et al. 2004) map on luma with a Gaussian window, averaged over the hole."""
    x, y = luma(a), luma(b)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mx, my = gaussian_filter(x, 1.5), gaussian_filter(y, 1.5)
    sxx = gaussian_filter(x * x, 1.5) - mx * mx
    syy = gaussian_filter(y * y, 1.5) - my * my
    sxy = gaussian_filter(x * y, 1.5) - mx * my
    ssim = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return ssim[hole].mean()


def hide_hole(image, hole, rng):
    hidden = image.copy()
    hidden[hole] = rng.integers(0, 256, (int(hole.sum()), 3), dtype=np.uint8)
    return hidden


def run_atelier(image_path, mask_path, out_path, seed):
    subprocess.run([str(ATELIER), "inpaint", "--mask", str(mask_path), "--seed", str(seed), str(image_path),
                    str(out_path)], check=True, capture_output=True)


def run_telea(image, mask):
    return cv2.cvtColor(cv2.inpaint(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), mask, 5, cv2.INPAINT_TELEA),
                        cv2.COLOR_BGR2RGB)


def run_gmic(image_path, mask_path, out_path):
    subprocess.run(["gmic", str(image_path), str(mask_path), "-inpaint[0]", "[1],7,16,0.1,1,0,0,0.05,10,1",
                    "-keep[0]", "-o", str(out_path)], check=True, capture_output=True)


def label(sheet, text, x, y):
    ImageDraw.Draw(sheet).text((x + 4, y + 4), text, fill=(255, 255, 0))


def evaluate_inpainting(count, seed, work):
    _, held_aside = photo_paths()
    rng = np.random.default_rng(seed)
    scores = {m: [] for m in ("Telea (OpenCV)", "patch-based (G'MIC)", "Atelier")}
    seconds = []
    rows = []
    for i, path in enumerate(held_aside[:count]):
        kind = MASK_KINDS[i % len(MASK_KINDS)]
        mask = pixel_mask(rng, kind, SIDE)
        image = np.asarray(square(path))
        hole = mask > 0
        # Its own generator, so that the masks stay those drawn before the hole was hidden.
        hidden = hide_hole(image, hole, np.random.default_rng([seed, i]))
        image_path, mask_path = work / f"{i}.png", work / f"{i}-mask.png"
        Image.fromarray(hidden).save(image_path)
        Image.fromarray((mask * 255).astype(np.uint8)).save(mask_path)
        start = time.time()
        run_atelier(image_path, mask_path, work / f"{i}-atelier.png", seed + i)
        seconds.append(time.time() - start)
        run_gmic(image_path, mask_path, work / f"{i}-gmic.png")
        results = {
            "Telea (OpenCV)": run_telea(hidden, (mask * 255).astype(np.uint8)),
            "patch-based (G'MIC)": np.asarray(Image.open(work / f"{i}-gmic.png").convert("RGB")),
            "Atelier": np.asarray(Image.open(work / f"{i}-atelier.png").convert("RGB")),
        }
        reference = image.astype(np.float64) / 255
        for method, result in results.items():
            result = result.astype(np.float64) / 255
            scores[method].append((hole_psnr(result, reference, hole), hole_ssim(result, reference, hole)))
        masked = image.copy()
        masked[hole] = (255, 255, 255)
        rows.append([masked] + list(results.values()) + [image])
    return scores, seconds, rows


def contact_sheet(rows, names, path, cell=SIDE):
    sheet = Image.new("RGB", (cell * len(names), cell * len(rows) + 20), (32, 32, 32))
    for j, name in enumerate(names):
        ImageDraw.Draw(sheet).text((j * cell + 4, 4), name, fill=(255, 255, 255))
    for i, row in enumerate(rows):
        for j, picture in enumerate(row):
            sheet.paste(Image.fromarray(picture).resize((cell, cell)), (j * cell, 20 + i * cell))
    # 256 colours: a third of the size (the full-colour sheet of 6 rows was 1.4 MB), nothing lost at a glance.
    sheet.quantize(256).save(path, optimize=True)


def style_samples(work, seeds):
    labels = subprocess.run([str(ATELIER), "sample", "--style", "list"], check=True, capture_output=True,
                            text=True).stdout.split()
    rows = []
    for style in labels:
        row = []
        for s in range(seeds):
            out = work / f"style-{style}-{s}.png"
            subprocess.run([str(ATELIER), "sample", "--style", style, "--seed", str(s), "--width", "256",
                            "--height", "256", str(out)], check=True, capture_output=True)
            row.append(np.asarray(Image.open(out).convert("RGB")))
        rows.append(row)
    sheet = Image.new("RGB", (SIDE * seeds + 80, SIDE * len(labels)), (32, 32, 32))
    for i, (style, row) in enumerate(zip(labels, rows, strict=True)):
        ImageDraw.Draw(sheet).text((4, i * SIDE + SIDE // 2), style, fill=(255, 255, 255))
        for j, picture in enumerate(row):
            sheet.paste(Image.fromarray(picture), (80 + j * SIDE, i * SIDE))
    # JPEG: a PNG of these photographs is seven times larger.
    sheet.save(ROOT / "docs/style-samples.jpg", quality=88)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=33, help="held-aside photographs to use")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--sheet-rows", type=int, default=6)
    parser.add_argument("--style-seeds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scores, seconds, rows = evaluate_inpainting(args.count, args.seed, work)
        contact_sheet(rows[:args.sheet_rows], ["masked input", "Telea (OpenCV)", "patch-based (G'MIC)", "Atelier",
                                               "original"], ROOT / "docs/inpaint-contact-sheet.png")
        style_samples(work, args.style_seeds)
    lines = ["# Inpainting on held-aside photographs", "",
             f"Made by `/usr/bin/python3 -m models.unet.evaluate --count {args.count} --seed {args.seed}`: "
             f"{len(seconds)} photographs that training never saw (every tenth of the development data's `train` "
             "photographs), centre squares at 256x256, one "
             "seeded random mask each (box, free-form strokes or object silhouette in turn). PSNR and SSIM are "
             "measured over the hole's pixels only; every method sees the image with noise in the hole. Atelier "
             "runs `atelier inpaint` with its defaults (DPM-Solver++ 20 steps, guidance 2).", "",
             "| method | hole PSNR (dB) | hole SSIM |", "|---|---|---|"]
    for method, values in scores.items():
        values = np.array(values)
        lines.append(f"| {method} | {values[:, 0].mean():.2f} | {values[:, 1].mean():.3f} |")
    lines += ["", f"Atelier: {np.mean(seconds):.1f} s per image on average (whole `atelier inpaint` command, "
              "2 threads, as loaded as the machine was: speed figures are in performance.md).", "",
              "![contact sheet](inpaint-contact-sheet.png)", "",
              "Style samples (`atelier sample --style NAME --seed 0..3 --width 256 --height 256`):", "",
              "![style samples](style-samples.jpg)", ""]
    (ROOT / "docs/inpaint-evaluation.md").write_text("\n".join(lines))
    print("\n".join(lines[8:8 + len(scores)]))


if __name__ == "__main__":
    main()
