# SPDX-License-Identifier: GPL-3.0-or-later
"""Evaluates inpainting on the photographs prepare_data.py held aside (every tenth of ../shared/data/train,
never trained on): each is cut to a 256x256 square and given each of four holes: centred boxes of 1 %, 6 % and
25 % of the area and seeded free-form strokes (masks.py). The hole's pixels are replaced by noise before any
method sees the image: one that copied what they held would score a leak, not inpainting. The methods fill
the same holes: Atelier (build/cli/atelier inpaint, its defaults, and with each of its fills forced: the
diffusion model, the membrane and the membrane with the model's detail),
OpenCV's Telea and Navier-Stokes inpainting (cv2.inpaint, radius 5) and
G'MIC's patch-based inpaint (patch 7, lookup 16).
Reports, over the hole's pixels, PSNR, SSIM (Gaussian window, sigma 1.5, on luma) and GMSD (gradient magnitude
similarity deviation, Xue et al. 2014, on luma without its 2x reduction: lower is better), replaces the table
between the markers of docs/inpaint-evaluation.md and writes the contact sheet docs/inpaint-contact-sheet.png
(and, with --style-seeds > 0, docs/style-samples.jpg).

usage: /usr/bin/python3 -m models.unet.evaluate [--count N] [--seed S] [--style-seeds K] [--atelier PATH]"""
import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw
from scipy.ndimage import convolve, gaussian_filter

from models.tools.paths import ROOT
from models.unet.masks import pixel_mask
from models.unet.prepare_data import photo_paths

ATELIER = ROOT / "build/cli/atelier"
DOC = ROOT / "docs/inpaint-evaluation.md"
BEGIN, END = "<!-- models.unet.evaluate -->", "<!-- /models.unet.evaluate -->"
SIDE = 256
HOLES = {"box 1 %": 0.01, "box 6 %": 0.06, "box 25 %": 0.25, "strokes": None}
ATELIER_FILLS = {"Atelier, model": "model", "Atelier, membrane": "membrane",
                 "Atelier, membrane + model detail": "detail", "Atelier (auto)": "auto"}
METHODS = ("Telea (OpenCV)", "Navier-Stokes (OpenCV)", "patch-based (G'MIC)", *ATELIER_FILLS)


def square(path):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    side = min(w, h)
    return image.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)).resize(
        (SIDE, SIDE), Image.LANCZOS)


def hole_mask(rng, area):
    if area is None:
        return pixel_mask(rng, "strokes", SIDE)
    mask = np.zeros((SIDE, SIDE), np.float32)
    side = int(round(np.sqrt(area) * SIDE))
    start = (SIDE - side) // 2
    mask[start:start + side, start:start + side] = 1
    return mask


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


def gradient_magnitude(x):
    prewitt = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]]) / 3.0
    return np.hypot(convolve(x, prewitt, mode="nearest"), convolve(x, prewitt.T, mode="nearest"))


def hole_gmsd(a, b, hole):
    """The standard deviation over the hole of the gradient magnitude similarity map (c = 170 on 0..255)."""
    ga, gb = gradient_magnitude(luma(a)), gradient_magnitude(luma(b))
    c = 170 / 255 ** 2
    gms = (2 * ga * gb + c) / (ga * ga + gb * gb + c)
    return gms[hole].std()


def hide_hole(image, hole, rng):
    hidden = image.copy()
    hidden[hole] = rng.integers(0, 256, (int(hole.sum()), 3), dtype=np.uint8)
    return hidden


def run_atelier(atelier, image_path, mask_path, out_path, seed, fill):
    """The command's seconds."""
    start = time.time()
    subprocess.run([str(atelier), "inpaint", "--mask", str(mask_path), "--seed", str(seed), "--fill", fill,
                    str(image_path), str(out_path)], check=True, capture_output=True)
    return time.time() - start


def run_opencv(image, mask, flag):
    return cv2.cvtColor(cv2.inpaint(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), mask, 5, flag), cv2.COLOR_BGR2RGB)


def run_gmic(image_path, mask_path, out_path):
    subprocess.run(["gmic", str(image_path), str(mask_path), "-inpaint[0]", "[1],7,16,0.1,1,0,0,0.05,10,1",
                    "-keep[0]", "-o", str(out_path)], check=True, capture_output=True)


def fill_case(atelier, hidden, mask, work, name, seed):
    image_path, mask_path = work / f"{name}.png", work / f"{name}-mask.png"
    Image.fromarray(hidden).save(image_path)
    Image.fromarray((mask * 255).astype(np.uint8)).save(mask_path)
    seconds, results = {}, {}
    for method, fill in ATELIER_FILLS.items():
        out = work / f"{name}-{fill}.png"
        seconds[method] = run_atelier(atelier, image_path, mask_path, out, seed, fill)
        results[method] = np.asarray(Image.open(out).convert("RGB"))
    run_gmic(image_path, mask_path, work / f"{name}-gmic.png")
    mask8 = (mask * 255).astype(np.uint8)
    results["Telea (OpenCV)"] = run_opencv(hidden, mask8, cv2.INPAINT_TELEA)
    results["Navier-Stokes (OpenCV)"] = run_opencv(hidden, mask8, cv2.INPAINT_NS)
    results["patch-based (G'MIC)"] = np.asarray(Image.open(work / f"{name}-gmic.png").convert("RGB"))
    return {m: results[m] for m in METHODS}, seconds


def evaluate_inpainting(atelier, count, seed, work, log):
    _, held_aside = photo_paths()
    rng = np.random.default_rng(seed)
    scores = {(hole, m): [] for hole in HOLES for m in METHODS}
    seconds = {m: [] for m in ATELIER_FILLS}
    rows = []
    for i, path in enumerate(held_aside[:count]):
        image = np.asarray(square(path))
        reference = image.astype(np.float64) / 255
        for j, (hole_name, area) in enumerate(HOLES.items()):
            mask = hole_mask(rng, area)
            hole = mask > 0
            # Its own generator, so that the strokes stay those drawn before the hole was hidden.
            hidden = hide_hole(image, hole, np.random.default_rng([seed, i, j]))
            results, times = fill_case(atelier, hidden, mask, work, f"{i}-{j}", seed + i)
            for method, result in results.items():
                result = result.astype(np.float64) / 255
                score = (hole_psnr(result, reference, hole), hole_ssim(result, reference, hole),
                         hole_gmsd(result, reference, hole))
                scores[(hole_name, method)].append(score)
                log.write(json.dumps({"photo": path.name, "hole": hole_name, "method": method,
                                      "psnr": score[0], "ssim": score[1], "gmsd": score[2]}) + "\n")
            for method, s in times.items():
                seconds[method].append(s)
            log.flush()
            if j in (0, 2) and len(rows) < 6:
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


def style_samples(atelier, work, seeds):
    labels = subprocess.run([str(atelier), "sample", "--style", "list"], check=True, capture_output=True,
                            text=True).stdout.split()
    rows = []
    for style in labels:
        row = []
        for s in range(seeds):
            out = work / f"style-{style}-{s}.png"
            subprocess.run([str(atelier), "sample", "--style", style, "--seed", str(s), "--width", "256",
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


def table(scores, seconds, count, seed):
    photos = len(next(iter(scores.values())))
    lines = [f"Made by `/usr/bin/python3 -m models.unet.evaluate --count {count} --seed {seed}`: {photos} "
             "photographs that training never saw (every tenth of the development data's `train` photographs), "
             "centre squares at 256x256, each with four holes: centred boxes of 1 %, 6 % and 25 % of the area and "
             "seeded free-form strokes. PSNR, SSIM and GMSD (lower is better) are measured over the hole's pixels "
             "only; every method sees the image with noise in the hole. Atelier runs `atelier inpaint` with "
             "DPM-Solver++ 20 steps, guidance 2, and `--fill model`, `--fill membrane`, `--fill detail` or its "
             "default `--fill auto`. Best of each column in bold.", ""]
    for hole in HOLES:
        lines += [f"**{hole}**", "", "| method | hole PSNR (dB) | hole SSIM | hole GMSD |", "|---|---|---|---|"]
        means = {m: np.array(scores[(hole, m)]).mean(axis=0) for m in METHODS}
        best = [max(v[0] for v in means.values()), max(v[1] for v in means.values()),
                min(v[2] for v in means.values())]
        for method, v in means.items():
            cells = [f"{x:.{d}f}" for x, d in zip(v, (2, 3, 3), strict=True)]
            cells = [f"**{c}**" if abs(x - b) < 1e-12 else c for c, x, b in zip(cells, v, best, strict=True)]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("Seconds per image (whole command, 2 threads, as loaded as the machine was): "
                 + ", ".join(f"{m} {np.mean(s):.1f}" for m, s in seconds.items()) + ".")
    return lines


def write_doc(lines):
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + "\n".join(lines) + "\n" + text[end:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=12, help="held-aside photographs to use")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--style-seeds", type=int, default=0, help="style samples per label (0: none made)")
    parser.add_argument("--log", type=Path, default=None, help="JSON lines of every score (default: none kept)")
    parser.add_argument("--atelier", type=Path, default=ATELIER,
                        help="the command to evaluate (default: build/cli/atelier; a copy lets the build go on)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with open(args.log or work / "scores.jsonl", "w") as log:
            scores, seconds, rows = evaluate_inpainting(args.atelier, args.count, args.seed, work, log)
        contact_sheet(rows, ["masked input", *METHODS, "original"], ROOT / "docs/inpaint-contact-sheet.png")
        if args.style_seeds > 0:
            style_samples(args.atelier, work, args.style_seeds)
    lines = table(scores, seconds, args.count, args.seed)
    write_doc(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
