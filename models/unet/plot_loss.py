# SPDX-License-Identifier: GPL-3.0-or-later
"""Draws a training run's loss.csv as a PNG (Debian's PyTorch brings no plotting library, so this draws with
PIL): the min-SNR-weighted v loss and the denoised estimate's squared error inside the masks, each as the
logged points and a moving average, on a logarithmic axis.

usage: /usr/bin/python3 -m models.unet.plot_loss [--csv build/unet-training/loss.csv] [--out models/unet/loss.png]"""
import argparse
import csv
import math
from pathlib import Path

from PIL import Image, ImageDraw

from models.tools.paths import ROOT

SERIES = (("loss", (70, 130, 220), "weighted v loss"), ("hole_mse", (220, 110, 40), "x0 squared error in the mask"))


def moving_average(values, window):
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot(rows, out, width=900, height=420, margin=60):
    steps = [int(r["step"]) for r in rows]
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    values = [float(r[k]) for r in rows for k, _, _ in SERIES]
    low, high = math.log10(min(values)), math.log10(max(values))
    low, high = math.floor(low * 2) / 2, math.ceil(high * 2) / 2

    def xy(step, value):
        x = margin + (step - steps[0]) / max(1, steps[-1] - steps[0]) * (width - 2 * margin)
        y = height - margin - (math.log10(value) - low) / max(1e-9, high - low) * (height - 2 * margin)
        return x, y

    for exponent in [low + 0.5 * i for i in range(int(round((high - low) / 0.5)) + 1)]:
        y = xy(steps[0], 10 ** exponent)[1]
        draw.line([(margin, y), (width - margin, y)], fill=(225, 225, 225))
        draw.text((4, y - 6), f"{10 ** exponent:.3g}", fill="black")
    for k in range(6):
        step = steps[0] + k * (steps[-1] - steps[0]) // 5
        x = xy(step, 10 ** low)[0]
        draw.text((x - 10, height - margin + 8), str(step), fill="black")
    for key, colour, _name in SERIES:
        series = [float(r[key]) for r in rows]
        pale = tuple(int(c + (255 - c) * 0.7) for c in colour)
        draw.line([xy(s, v) for s, v in zip(steps, series, strict=True)], fill=pale, width=1)
        draw.line([xy(s, v) for s, v in zip(steps, moving_average(series, 20), strict=True)], fill=colour, width=2)
    for i, (_, colour, name) in enumerate(SERIES):
        draw.rectangle([margin + 10, 12 + 16 * i, margin + 24, 22 + 16 * i], fill=colour)
        draw.text((margin + 30, 10 + 16 * i), name, fill="black")
    draw.text((width // 2 - 40, height - 22), "training step", fill="black")
    image.save(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", type=Path, default=ROOT / "build/unet-training/loss.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "models/unet/loss.png")
    args = parser.parse_args()
    with open(args.csv) as f:
        # A run resumed from its last checkpoint logs again the steps after it: keep the later rows.
        rows = list({int(r["step"]): r for r in csv.DictReader(f)}.values())
        rows.sort(key=lambda r: int(r["step"]))
    plot(rows, args.out)
    print(f"{len(rows)} points -> {args.out}")


if __name__ == "__main__":
    main()
