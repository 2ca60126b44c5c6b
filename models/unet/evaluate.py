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

With --first, --holes, --fills, --side and --option a run measures a subset (photographs from the N-th on, some
holes, some of Atelier's fills, another square side, options passed to every `atelier inpaint`) without
touching docs/ (--no-doc); the table then gives, for every hole, 95 % bootstrap intervals over photographs of
Atelier's default fill's mean difference to each classic method.

usage: /usr/bin/python3 -m models.unet.evaluate [--count N] [--first N] [--seed S] [--side PX] [--holes H,...]
       [--fills F,...] [--option ARG]... [--no-classic] [--keep DIR] [--log PATH] [--no-doc] [--style-seeds K]
       [--atelier PATH] [--from-logs LOG...]"""
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
# Not in the default table: the 300x300 object of tools/bench-inpaint.sh in its 900x900 window (--side 900).
EXTRA_HOLES = {"box 11 %": 1 / 9}
ATELIER_FILLS = {"Atelier, model": "model", "Atelier, membrane": "membrane",
                 "Atelier, membrane + model detail": "detail", "Atelier (auto)": "auto"}
CLASSIC = ("Telea (OpenCV)", "Navier-Stokes (OpenCV)", "patch-based (G'MIC)")
METHODS = (*CLASSIC, *ATELIER_FILLS)
BOOTSTRAP_SAMPLES = 2000


def square(path, out_side):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    side = min(w, h)
    return image.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)).resize(
        (out_side, out_side), Image.LANCZOS)


def hole_mask(rng, area, out_side):
    if area is None:
        return pixel_mask(rng, "strokes", out_side)
    mask = np.zeros((out_side, out_side), np.float32)
    side = int(round(np.sqrt(area) * out_side))
    start = (out_side - side) // 2
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


def run_atelier(atelier, image_path, mask_path, out_path, seed, fill, options):
    """The command's seconds."""
    start = time.time()
    subprocess.run([str(atelier), "inpaint", "--mask", str(mask_path), "--seed", str(seed), "--fill", fill,
                    *options, str(image_path), str(out_path)], check=True, capture_output=True)
    return time.time() - start


def run_opencv(image, mask, flag):
    return cv2.cvtColor(cv2.inpaint(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), mask, 5, flag), cv2.COLOR_BGR2RGB)


def run_gmic(image_path, mask_path, out_path):
    subprocess.run(["gmic", str(image_path), str(mask_path), "-inpaint[0]", "[1],7,16,0.1,1,0,0,0.05,10,1",
                    "-keep[0]", "-o", str(out_path)], check=True, capture_output=True)


def fill_case(run, hidden, mask, name, seed):
    work = run.keep or run.work
    image_path, mask_path = work / f"{name}.png", work / f"{name}-mask.png"
    Image.fromarray(hidden).save(image_path)
    Image.fromarray((mask * 255).astype(np.uint8)).save(mask_path)
    seconds, results = {}, {}
    for method in run.fills:
        fill = ATELIER_FILLS[method]
        out = work / f"{name}-{fill}.png"
        seconds[method] = run_atelier(run.atelier, image_path, mask_path, out, seed, fill, run.options)
        results[method] = np.asarray(Image.open(out).convert("RGB"))
    if CLASSIC[0] in run.methods:
        run_gmic(image_path, mask_path, work / f"{name}-gmic.png")
        mask8 = (mask * 255).astype(np.uint8)
        results["Telea (OpenCV)"] = run_opencv(hidden, mask8, cv2.INPAINT_TELEA)
        results["Navier-Stokes (OpenCV)"] = run_opencv(hidden, mask8, cv2.INPAINT_NS)
        results["patch-based (G'MIC)"] = np.asarray(Image.open(work / f"{name}-gmic.png").convert("RGB"))
    return {m: results[m] for m in run.methods}, seconds


def evaluate_inpainting(run, log):
    _, held_aside = photo_paths()
    rng = np.random.default_rng(run.seed)
    scores = {(hole, m): [] for hole in run.holes for m in run.methods}
    seconds = {m: [] for m in run.fills}
    rows = []
    # The generator draws every hole of every photograph from the first, so that a subset (--first, --holes)
    # meets the same strokes as the whole run.
    for i, path in enumerate(held_aside[:run.first + run.count]):
        image = np.asarray(square(path, run.side))
        reference = image.astype(np.float64) / 255
        for j, (hole_name, area) in enumerate({**HOLES, **EXTRA_HOLES}.items()):
            mask = hole_mask(rng, area, run.side)
            if i < run.first or hole_name not in run.holes:
                continue
            hole = mask > 0
            # Its own generator, so that the strokes stay those drawn before the hole was hidden.
            hidden = hide_hole(image, hole, np.random.default_rng([run.seed, i, j]))
            results, times = fill_case(run, hidden, mask, f"{i}-{j}", run.seed + i)
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


def bootstrap_interval(differences, rng):
    """The 95 % percentile bootstrap interval of the mean of the per-photograph @differences."""
    means = rng.choice(differences, (BOOTSTRAP_SAMPLES, len(differences))).mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


def differences_lines(scores, holes, methods):
    """For each hole, Atelier's default fill (or the first Atelier fill run) against each classic method: the mean
    difference in hole PSNR and GMSD over the same photographs, with its bootstrap interval."""
    ours = next((m for m in ("Atelier (auto)", *ATELIER_FILLS) if m in methods), None)
    peers = [m for m in CLASSIC if m in methods]
    if ours is None or not peers:
        return []
    rng = np.random.default_rng(0)
    lines = [f"{ours} less each classic method, mean over the photographs [95 % bootstrap interval over "
             f"photographs, {BOOTSTRAP_SAMPLES} resamplings]: positive PSNR and negative GMSD differences favour "
             "Atelier.", "", "| hole | against | hole PSNR (dB) | hole GMSD |", "|---|---|---|---|"]
    for hole in holes:
        for peer in peers:
            difference = np.array(scores[(hole, ours)]) - np.array(scores[(hole, peer)])
            cells = []
            for k, digits in ((0, 2), (2, 4)):
                low, high = bootstrap_interval(difference[:, k], rng)
                cells.append(f"{difference[:, k].mean():+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]")
            lines.append(f"| {hole} | {peer} | " + " | ".join(cells) + " |")
    return lines + [""]


def table(scores, seconds, run):
    holes = [h for h in {**HOLES, **EXTRA_HOLES} if h in run.holes]
    photos = len(scores[(holes[0], run.methods[0])])
    lines = [f"Made by `{run.command}`: {photos} "
             "photographs that training never saw (every tenth of the development data's `train` photographs"
             + (f", from the {run.first + 1}-th on" if run.first else "")
             + f"), centre squares at {run.side}x{run.side}, each with the holes below (centred boxes of the "
             "given share of the area, seeded free-form strokes). PSNR, SSIM and GMSD (lower is better) are "
             "measured over the hole's pixels only; every method sees the image with noise in the hole. Atelier "
             "runs `atelier inpaint` with DPM-Solver++ 20 steps, guidance 2"
             + "".join(f" {o}" for o in run.options) + ", and "
             + " or ".join(f"`--fill {ATELIER_FILLS[m]}`" for m in run.fills)
             + " (`auto` is its default). Best of each column in bold.", ""]
    for hole in holes:
        lines += [f"**{hole}**", "", "| method | hole PSNR (dB) | hole SSIM | hole GMSD |", "|---|---|---|---|"]
        means = {m: np.array(scores[(hole, m)]).mean(axis=0) for m in run.methods}
        best = [max(v[0] for v in means.values()), max(v[1] for v in means.values()),
                min(v[2] for v in means.values())]
        for method, v in means.items():
            cells = [f"{x:.{d}f}" for x, d in zip(v, (2, 3, 3), strict=True)]
            cells = [f"**{c}**" if abs(x - b) < 1e-12 else c for c, x, b in zip(cells, v, best, strict=True)]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += differences_lines(scores, holes, run.methods)
    if seconds:
        lines.append("Seconds per hole (whole command, 2 threads, as loaded as the machine was): "
                     + ", ".join(f"{m} {np.mean(s):.1f}" for m, s in seconds.items() if s) + ".")
    return lines


def write_doc(lines):
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + "\n".join(lines) + "\n" + text[end:])


def scores_from_logs(paths, run):
    """The scores of earlier runs' --log files, photographs in the order met; a photograph is kept only when
    every method has all the holes of @run, so that the differences are paired."""
    records = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            r = json.loads(line)
            records[(r["photo"], r["hole"], r["method"])] = (r["psnr"], r["ssim"], r["gmsd"])
    photos = list(dict.fromkeys(photo for photo, _, _ in records))
    complete = [p for p in photos if all((p, h, m) in records for h in run.holes for m in run.methods)]
    return {(h, m): [records[(p, h, m)] for p in complete] for h in run.holes for m in run.methods}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=12, help="held-aside photographs to use")
    parser.add_argument("--first", type=int, default=0, help="held-aside photographs to skip first")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--side", type=int, default=SIDE, help="side of the square each photograph is cut to")
    parser.add_argument("--holes", default=",".join(HOLES), help="comma-separated names of the holes to fill, of: "
                        + ", ".join({**HOLES, **EXTRA_HOLES}))
    parser.add_argument("--fills", default=",".join(ATELIER_FILLS.values()),
                        help="comma-separated Atelier fills to run, of: " + ", ".join(ATELIER_FILLS.values()))
    parser.add_argument("--option", action="append", default=[],
                        help="an argument for every `atelier inpaint` (repeat it: --option=--guidance --option=3)")
    parser.add_argument("--no-classic", action="store_true", help="Atelier's fills only: no Telea, NS or G'MIC")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep every input and fill in")
    parser.add_argument("--no-doc", action="store_true", help="print the table only; docs/ is left as it is")
    parser.add_argument("--from-logs", nargs="+", type=Path, default=None,
                        help="make the table from these --log files instead of running anything")
    parser.add_argument("--style-seeds", type=int, default=0, help="style samples per label (0: none made)")
    parser.add_argument("--log", type=Path, default=None, help="JSON lines of every score (default: none kept)")
    parser.add_argument("--atelier", type=Path, default=ATELIER,
                        help="the command to evaluate (default: build/cli/atelier; a copy lets the build go on)")
    args = parser.parse_args()
    holes = [h.strip() for h in args.holes.split(",")]
    fills = [f.strip() for f in args.fills.split(",")]
    by_fill = {fill: method for method, fill in ATELIER_FILLS.items()}
    unknown = [h for h in holes if h not in {**HOLES, **EXTRA_HOLES}] + [f for f in fills if f not in by_fill]
    if unknown:
        parser.error(f"unknown holes or fills: {', '.join(unknown)}")
    fill_methods = tuple(by_fill[f] for f in fills)
    command = " ".join(["/usr/bin/python3 -m models.unet.evaluate", f"--count {args.count}", f"--seed {args.seed}"]
                       + ([f"--first {args.first}"] if args.first else [])
                       + ([f"--side {args.side}"] if args.side != SIDE else [])
                       + ([f"--holes '{args.holes}'"] if holes != list(HOLES) else [])
                       + ([f"--fills {args.fills}"] if fills != list(ATELIER_FILLS.values()) else [])
                       + [f"--option={o}" for o in args.option] + (["--no-classic"] if args.no_classic else []))
    run = argparse.Namespace(atelier=args.atelier, count=args.count, first=args.first, seed=args.seed,
                             side=args.side, holes=holes, fills=fill_methods,
                             methods=fill_methods if args.no_classic else (*CLASSIC, *fill_methods),
                             options=args.option, keep=args.keep, command=command, work=None)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    seconds = {}
    if args.from_logs:
        run.command = "/usr/bin/python3 -m models.unet.evaluate --from-logs " + " ".join(map(str, args.from_logs))
        scores = scores_from_logs(args.from_logs, run)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run.work = Path(tmp)
            with open(args.log or run.work / "scores.jsonl", "w") as log:
                scores, seconds, rows = evaluate_inpainting(run, log)
            if not args.no_doc:
                contact_sheet(rows, ["masked input", *run.methods, "original"], ROOT / "docs/inpaint-contact-sheet.png")
            if args.style_seeds > 0:
                style_samples(args.atelier, run.work, args.style_seeds)
    lines = table(scores, seconds, run)
    if not args.no_doc:
        write_doc(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
