# SPDX-License-Identifier: GPL-3.0-or-later
"""The recipe's training table: synthesize.py's pairs (AutoGAN-style fakes of the training photographs through
TAEF2, ESRGAN and our own diffusion) and augmented crops of forensics-train's generated images and of the judged
photographs (wild_variants.py), each row with its generator and fold so that a fit can leave a generator and a
fold out. Each class weighs the same, and within it the synthesised pairs take a share (half unless
said)."""
import csv
import json
from pathlib import Path

import numpy as np

from models.detector import evaluation_sets, recipe, wild_variants
from models.detector.feature_cache import features, with_extra_features
from models.tools.safetensors_io import read_safetensors, write_manifest, write_safetensors

VARIANTS_PER_IMAGE = 6
RUNS = Path("/work/runs/detector")


def synth_folder(spec):
    """"FOLDER" or "FOLDER@COLLECTION+COLLECTION...": synthesize.py's output folder and the source collections
    (bsds200, sun_hays80, wikipedia-photos, wallpapers, mate) whose pairs are kept, None for all of them."""
    folder, _, collections = spec.partition("@")
    return Path(folder), (set(collections.split("+")) if collections else None)


class TrainingRows:
    def __init__(self, shared, atelier, synth, ev, synth_share=0.5, seed=1, png_after_jpeg_share=0.0):
        self.synth_share = synth_share
        self.png_after_jpeg_share = png_after_jpeg_share
        cache = RUNS / ("variants" if png_after_jpeg_share == 0 else f"variants-png-after-jpeg-{png_after_jpeg_share}")
        entries = []  # (file, label, generator, group, block)
        for spec in synth.split(","):
            folder, collections = synth_folder(spec)
            for row in csv.DictReader(open(folder / "index.csv")):
                if collections is None or row["source"].split("/")[0] in collections:
                    entries.append((folder / row["file"], int(row["label"]), row["generator"], row["source"],
                                    "synth"))
        for item in ev.fakes + ev.photos:
            for path, _ in wild_variants.variants(item, VARIANTS_PER_IMAGE, cache, seed, png_after_jpeg_share):
                entries.append((path, item.label, item.generator, item.group, "wild"))
        table, self.names = with_extra_features(
            *features(atelier, [e[0] for e in entries], ev.feature_cache, ev.cnn_model), ev.extra_features)
        self.X = np.array([table[str(e[0])][0] for e in entries])
        self.set_aside = np.array([table[str(e[0])][1] for e in entries])
        self.y = np.array([e[1] for e in entries], float)
        self.generator = np.array([e[2] for e in entries])
        self.group = np.array([e[3] for e in entries])
        self.fold = np.array([evaluation_sets.fold_of(g) for g in self.group])
        self.block = np.array([e[4] for e in entries])

    def describe(self):
        counts = {(b, int(c)): int(((self.block == b) & (self.y == c)).sum())
                  for b in ("synth", "wild") for c in (0, 1)}
        return (f"synthesised pairs {counts[('synth', 0)]} + {counts[('synth', 1)]}, wild crops "
                f"{counts[('wild', 0)]} real + {counts[('wild', 1)]} generated, "
                f"{self.synth_share:.0%} of each class's weight on the pairs"
                + (f", {self.png_after_jpeg_share:.0%} of the wild crops JPEG-compressed then saved as PNG"
                   if self.png_after_jpeg_share else ""))

    def fit(self, families, excluded_generators=(), excluded_fold=None):
        keep = ~np.isin(self.generator, list(excluded_generators))
        if excluded_fold is not None:
            keep &= self.fold != excluded_fold
        weights = np.zeros(len(self.y))
        for block, share in (("synth", self.synth_share), ("wild", 1 - self.synth_share)):
            for label in (0, 1):
                pick = keep & (self.block == block) & (self.y == label)
                weights[pick] = share / max(pick.sum(), 1)
        return recipe.fit(self.X[keep], self.set_aside[keep], self.y[keep], weights[keep], self.group[keep],
                          self.names, families)

    def write_golden(self, model, path):
        """Vectors for tests/test-detector.c: wild crops of each class, with some features set aside and with
        none, and their probabilities computed here in double precision."""
        some = self.set_aside.any(1)
        wild = self.block == "wild"
        picks = [int(np.flatnonzero(wild & (self.y == c) & (some == k))[0]) for c in (0, 1) for k in (False, True)
                 if np.any(wild & (self.y == c) & (some == k))]
        expected = recipe.probability(model, self.X[picks], self.set_aside[picks])
        write_safetensors(path, {"features": self.X[picks], "set_aside": self.set_aside[picks].astype(np.float32),
                                 "probability": expected})

    def write_model(self, model, families, out, cnn_model=None):
        """The logistic model and, with @cnn_model, the residual CNN whose features it weighs (its cnn.* tensors
        copied), in one model file."""
        out.mkdir(parents=True, exist_ok=True)
        weights = out / "spectral-detector.safetensors"
        tensors = {k: model[k] for k in ("mean", "scale", "weight", "bias", "calibration")}
        cnn_source = ""
        if cnn_model:
            manifest = json.loads(Path(cnn_model).read_text())
            tensors.update({k: v for k, v in read_safetensors(Path(cnn_model).parent / manifest["weights"]).items()
                            if k.startswith("cnn.")})
            cnn_source = f"; the residual CNN (cnn.*): {manifest['source']}, sha256 {manifest['sha256']}"
        sha = write_safetensors(weights, tensors)
        write_manifest(out / "spectral-detector.json", name="spectral-detector", architecture="spectral-logistic",
                       config={"features": self.names, "weighed_families": list(families), "l2": recipe.L2,
                               "training_images": len(self.y), "training_set": self.describe()},
                       weights=weights, sha256=sha,
                       source="trained by models/detector/harness.py --write-model (models/detector/recipe.py) on "
                              "models/detector/synthesize.py's pairs and augmented crops of "
                              "../shared/data/forensics-train, Set5/Set14 and the Debian wallpaper photographs"
                              + cnn_source,
                       license="GPL-3.0-or-later",
                       attribution="Atelier developers; training images: see models/detector/README.md and "
                                   "../shared/data/forensics-train/README.md")
        print(f"wrote {weights} (sha256 {sha[:12]}...)")
