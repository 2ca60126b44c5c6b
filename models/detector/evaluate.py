# SPDX-License-Identifier: GPL-3.0-or-later
"""Evaluates the trained detector on ../shared/data/forensics-dev: real images against five generators
none of which the detector saw in training (it learned from synthesize.py's fakes only), so every column is
a leave-one-generator-out result. ROC AUC per generator (within each size folder, whose subjects differ) at
native PNG, after JPEG at quality 90 and 75, and after a 0.5x bicubic reduction, with bootstrap intervals; the
same processing is applied to the real images. Then the false alarms on soft real photographs (Set5 and Set14
blurred, as PNG and as JPEG). Prints the tables (--report FILE writes them too).

    /usr/bin/python3 -m models.detector.evaluate
"""
import argparse
import csv
import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from models.detector.train_detector import roc_auc
from models.tools.paths import ROOT, SHARED

SOFT_RADII = (0, 1, 2, 4)
VARIANTS = (("native PNG", None), ("JPEG 90", 90), ("JPEG 75", 75), ("0.5x resize", "half"))


def save(image, base, quality):
    """@image as base.jpg at @quality, or as base.png when quality is None; returns the path."""
    if quality:
        path = base.with_name(base.name + ".jpg")
        image.save(path, quality=quality)
    else:
        path = base.with_name(base.name + ".png")
        image.save(path)
    return path


def make_variant(source, target_dir, variant):
    image = Image.open(source).convert("RGB")
    if variant == "half":
        image = image.resize((image.width // 2, image.height // 2), Image.BICUBIC)
    return save(image, target_dir / f"{source.parents[1].name}-{source.parent.name}-{source.stem}",
                variant if isinstance(variant, int) else None)


def stratified_auc(real, fake):
    """The mean over the size folders of the AUC within each: forensics-dev's 256-pixel folders hold different
    subjects (real cats against generated cats, CelebA-HQ faces for ALAE, ImageNet for VQ-VAE-2) from its
    768-pixel ones (faces throughout), so a pooled AUC would also rank cats against faces."""
    aucs = []
    for size in real:
        labels = np.r_[np.zeros(len(real[size])), np.ones(len(fake[size]))]
        aucs.append(roc_auc(np.r_[real[size], fake[size]], labels))
    return float(np.mean(aucs))


def bootstrap_interval(real, fake, rng, draws=2000):
    """The 95 % percentile interval of the stratified AUC over resamplings of each class in each size folder
    with replacement: with five images a class and folder it spans about 0.3, which says more about what
    these figures can show than the AUC alone."""
    aucs = [stratified_auc({k: rng.choice(v, len(v)) for k, v in real.items()},
                           {k: rng.choice(v, len(v)) for k, v in fake.items()}) for _ in range(draws)]
    return np.percentile(aucs, [2.5, 97.5])


def detections(atelier, files):
    """{path: (probability, verdict)} from `atelier detect-ai --csv`."""
    out = subprocess.run([atelier, "detect-ai", "--csv", *map(str, files)], check=True, capture_output=True,
                         text=True).stdout
    return {row["path"]: (float(row["probability"]), row["verdict"]) for row in csv.DictReader(io.StringIO(out))}


def soft_photographs(atelier, shared):
    """Real photographs never trained on (Set5 and Set14), sharp and blurred by a Gaussian, saved as PNG and as
    JPEG: the false alarms a detector that equates missing fine detail with generation raises on soft focus,
    motion or denoising."""
    photos = sorted((shared / "data/sr-dev").glob("Set*/*.png"))
    lines = ["", "## Soft real photographs", "",
             f"The {len(photos)} photographs of the development data's Set5 and Set14 (never trained on), blurred "
             "by a Gaussian of the given radius (PIL), saved as PNG or as JPEG at quality 90: mean probability, how "
             "many lean to generated (p > 0.5) and how many get the verdict \"likely generated\" (p > 0.7; between 0.3 "
             "and 0.7 the verdict is \"uncertain\").", "",
             "| blur radius | saved as | mean p | p > 0.5 | likely generated |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for radius in SOFT_RADII:
            for quality in (None, 90):
                files = []
                for photo in photos:
                    image = Image.open(photo).convert("RGB")
                    if radius:
                        image = image.filter(ImageFilter.GaussianBlur(radius))
                    files.append(save(image, Path(tmp) / f"{photo.parent.name}-{photo.stem}-{radius}", quality))
                found = detections(atelier, files).values()
                p = np.array([probability for probability, _ in found])
                flagged = sum(verdict == "likely-generated" for _, verdict in found)
                lines.append(f"| {radius} px | {'JPEG 90' if quality else 'PNG'} | {p.mean():.2f} | "
                             f"{int((p > 0.5).sum())} of {len(p)} | {flagged} of {len(p)} |")
    return lines + [""]


def scores_by_size(score, generator, sizes):
    """{size: the scores of @generator's images in that size folder}, from @score: {path: probability}."""
    return {size: np.array([s for p, s in score.items() if p.parents[1].name == generator and p.parent.name == size])
            for size in sizes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(SHARED))
    parser.add_argument("--atelier", default=str(ROOT / "build/cli/atelier"))
    # docs/detector-evaluation.md holds the harness's figures (models/detector/harness.py), of which
    # forensics-dev at native PNG is one; this finer study of forensics-dev is printed, or written where asked.
    parser.add_argument("--report", help="also write the tables into this file")
    args = parser.parse_args()
    dev = Path(args.shared) / "data/forensics-dev"
    sources = sorted(dev.glob("*/*/*.png"))
    generators = sorted({p.parents[1].name for p in sources} - {"Real"})

    table = {}
    mean_real = {}
    per_size = {}
    rng = np.random.default_rng(1)
    sizes = sorted({p.parent.name for p in sources}, key=int)
    with tempfile.TemporaryDirectory() as tmp:
        for label, variant in VARIANTS:
            folder = Path(tmp) / label.replace(" ", "-")
            folder.mkdir()
            files = {p: make_variant(p, folder, variant) for p in sources}
            found = detections(args.atelier, list(files.values()))
            score = {p: found[str(f)][0] for p, f in files.items()}
            real = scores_by_size(score, "Real", sizes)
            mean_real[label] = np.concatenate(list(real.values())).mean()
            for g in generators:
                fake = scores_by_size(score, g, sizes)
                table[(g, label)] = (stratified_auc(real, fake), np.concatenate(list(fake.values())).mean(),
                                     bootstrap_interval(real, fake, rng))
                if variant is None:
                    per_size[g] = [stratified_auc({s: real[s]}, {s: fake[s]}) for s in sizes]

    lines = ["# AI-artifact detector on forensics-dev",
             "",
             "Made by `models/detector/evaluate.py` with the committed `models/detector/spectral-detector` model. "
             "The detector was trained only on our own synthesised fakes, so none of these generators was seen in "
             "training. Each folder holds 5 images at 256 px and 5 at 768 px, and the two sizes show different "
             "subjects: at 768 px real FFHQ faces against generated faces; at 256 px real cats against PGGAN's, "
             "StyleGAN's and StyleGAN2's cats, ALAE's CelebA-HQ faces and VQ-VAE-2's ImageNet scenes. The AUC is "
             "therefore computed within each size and averaged (25 real-fake pairs per size), after the same "
             "processing for both classes; for ALAE and VQ-VAE-2 at 256 px it still compares different subjects. "
             "In brackets, the 95 % bootstrap interval (each class in each size resampled with replacement, 2000 "
             "draws): five images a class and size make these figures coarse. p̄ is the generator's mean "
             "probability.",
             "",
             "| generator | " + " | ".join(label for label, _ in VARIANTS) + " |",
             "|---|" + "---|" * len(VARIANTS)]
    for g in generators:
        lines.append(f"| {g} | " + " | ".join(
            f"{table[(g, label)][0]:.2f} [{table[(g, label)][2][0]:.2f}–{table[(g, label)][2][1]:.2f}] "
            f"(p̄ {table[(g, label)][1]:.2f})" for label, _ in VARIANTS) + " |")
    lines.append("| mean p of real images | " + " | ".join(f"{mean_real[label]:.2f}" for label, _ in VARIANTS) + " |")
    lines += ["", "Native PNG, each size alone:", "",
              "| generator | " + " | ".join(f"{s} px" for s in sizes) + " |", "|---|" + "---|" * len(sizes)]
    lines += [f"| {g} | " + " | ".join(f"{a:.2f}" for a in per_size[g]) + " |" for g in generators]
    lines += soft_photographs(args.atelier, Path(args.shared))
    if args.report:
        Path(args.report).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
