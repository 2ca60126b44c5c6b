# SPDX-License-Identifier: GPL-3.0-or-later
"""Trains the AI-artifact detector's classifier from the training set synthesize.py made.

Features come from our own engine (`atelier detect-features`), so training and inference compute
them with the same code. The classifier is an L2-regularised logistic regression on the standardised features
of the families in CLASSIFIER_FAMILIES (the others are kept with weight 0); the data are split by source
photograph (80 % fit, 20 % held out), the regularisation strength is chosen on the held-out part, and Platt
scaling fitted there makes the probabilities calibrated. Writes models/detector/spectral-detector.{safetensors,
json} and tests/golden/detector-golden.safetensors; evaluate.py then measures the model on
../shared/data/forensics-dev (generators never seen in training).

    /usr/bin/python3 -m models.detector.train_detector
"""
import argparse
import csv
import io
import subprocess
import sys
from pathlib import Path

import numpy as np

from models.tools.paths import ROOT
from models.tools.safetensors_io import write_manifest, write_safetensors

# The feature families the classifier weighs: those a filter applied alike to every channel (blur, sharpening,
# resizing) leaves nearly unchanged, since each is a ratio within one band or between neighbouring bins: the
# colour of fine detail, its direction, periodic peaks. The radial spectrum and its decay are computed and kept
# with weight 0: they measure how much fine detail there is, which tells our decoders' fakes from their sources
# (every decoder loses some) but which focus, motion and noise reduction change as much; with them the model
# read all 19 blurred Set5/Set14 photographs as generated, and ranked unseen generators worse
# (models/detector/README.md).
CLASSIFIER_FAMILIES = ("angle", "peaks", "chroma")


def feature_family(name):
    """"peaks", "chroma" ...; the Laplacian residual's features by kind: "residual-ring", "residual-axis8",
    "residual-axis16", "residual-spike"."""
    if name.startswith("residual-"):
        return "-".join(name.split("-")[:2])
    return "peaks" if name.startswith("peaks") else name.split("-")[0]


def extract_features(atelier, files, chunk=200, cnn_model=None):
    """{path: (features, set_aside, jpeg_quality, detail_over_rounding)} and the feature names, from the engine;
    with @cnn_model (a model file holding the residual CNN's weights) its 16 features follow the spectral ones.
    set_aside marks the features the engine sets aside for that image (the 8-pixel grid of a JPEG, the chroma of
    a grey image or of bands that rounding fills), which count at their training mean in training as in use;
    jpeg_quality is the reader's estimate for a JPEG file (IJG scale), 0 for any other file;
    detail_over_rounding how far the finest detail rises above the pixels' rounding (NaN from builds before
    that column)."""
    table, names = {}, None
    for start in range(0, len(files), chunk):
        cnn = ["--cnn", str(cnn_model)] if cnn_model else []
        out = subprocess.run([atelier, "detect-features", *cnn, *map(str, files[start:start + chunk])],
                             check=True, capture_output=True, text=True).stdout
        reader = csv.reader(io.StringIO(out))
        header = next(reader)
        first = header.index("set_aside") + 1
        margin = header.index("detail_over_rounding") if "detail_over_rounding" in header else None
        first += margin is not None
        names = header[first:]
        for row in reader:
            set_aside = set(row[3].split())
            table[row[0]] = (np.array([float(v) for v in row[first:]]), np.array([n in set_aside for n in names]),
                             int(row[1]), float(row[margin]) if margin is not None else float("nan"))
    return table, names


def standardise(X, set_aside, mean, scale):
    Z = (X - mean) / scale
    Z[set_aside] = 0
    return Z


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def fit_logistic(Z, y, l2, iterations=50, weights=None):
    """Newton's method on the (weighted) mean log-loss + l2/2 |w|^2 (bias unpenalised)."""
    A = np.hstack([Z, np.ones((len(Z), 1))])
    v = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    v = v / v.sum()
    w = np.zeros(A.shape[1])
    penalty = np.full(A.shape[1], l2)
    penalty[-1] = 0
    for _ in range(iterations):
        p = sigmoid(A @ w)
        gradient = A.T @ (v * (p - y)) + penalty * w
        hessian = (A * (v * p * (1 - p))[:, None]).T @ A + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w[:-1], w[-1]


def log_loss(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def roc_auc(scores, labels):
    """Mann-Whitney U with ties counted half."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "build/detector-training"))
    parser.add_argument("--atelier", default=str(ROOT / "build/cli/atelier"))
    parser.add_argument("--out", default=str(ROOT / "models/detector"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--families", default=",".join(CLASSIFIER_FAMILIES),
                        help="comma-separated feature families the classifier weighs (radial, decay, angle, peaks, "
                             "chroma); the others get weight 0")
    args = parser.parse_args()
    families = args.families.split(",")

    data = Path(args.data)
    rows = list(csv.DictReader(open(data / "index.csv")))
    table, names = extract_features(args.atelier, [data / r["file"] for r in rows])
    X = np.array([table[str(data / r["file"])][0] for r in rows])
    set_aside = np.array([table[str(data / r["file"])][1] for r in rows])
    y = np.array([int(r["label"]) for r in rows], float)
    sources = sorted({r["source"] for r in rows})
    rng = np.random.default_rng(args.seed)
    held_out_sources = set(rng.choice(sources, size=len(sources) // 5, replace=False))
    held = np.array([r["source"] in held_out_sources for r in rows])
    fit = ~held
    print(f"{len(rows)} images ({int(y.sum())} fake) from {len(sources)} photographs; {held.sum()} held out")

    # The statistics of each feature over the images that keep it: a set-aside value is a placeholder.
    kept = np.where(set_aside, np.nan, X)
    mean = np.nanmean(kept[fit], 0)
    scale = np.nanstd(kept[fit], 0) + 1e-6
    Z = standardise(X, set_aside, mean, scale)
    weighed = np.array([feature_family(n) in families for n in names])
    if not weighed.any():
        sys.exit(f"no feature belongs to the families {families}")
    print(f"the classifier weighs {weighed.sum()} of {len(names)} features ({', '.join(families)})")

    def fit_weighed(l2):
        w = np.zeros(len(names))
        w[weighed], b = fit_logistic(Z[fit][:, weighed], y[fit], l2)
        return w, b

    best = None
    for l2 in (1e-3, 3e-3, 1e-2, 3e-2, 1e-1):
        w, b = fit_weighed(l2)
        loss = log_loss(sigmoid(Z[held] @ w + b), y[held])
        print(f"l2 {l2:g}: held-out log-loss {loss:.4f}, AUC {roc_auc(Z[held] @ w + b, y[held]):.4f}")
        if best is None or loss < best[0]:
            best = (loss, l2, w, b)
    _, l2, w, b = best
    logits = Z[held] @ w + b
    a_cal, b_cal = fit_logistic(logits[:, None], y[held], 0.0)
    calibration = np.array([a_cal[0], b_cal])
    p_held = sigmoid(calibration[0] * logits + calibration[1])
    print(f"chosen l2 {l2:g}; Platt a={calibration[0]:.3f} b={calibration[1]:.3f}; "
          f"held-out AUC {roc_auc(logits, y[held]):.4f}, log-loss {log_loss(p_held, y[held]):.4f}")
    generators = sorted({r["generator"] for r in rows} - {"real"})
    gen = np.array([r["generator"] for r in rows])
    for g in generators:
        pick = held & ((gen == g) | (gen == "real"))
        print(f"  held-out {g:18s} AUC {roc_auc(Z[pick] @ w + b, y[pick]):.3f}")
    blurred = np.array([float(r.get("blur", 0)) > 0 for r in rows])
    wallpaper = np.array([r["source"].startswith(("wallpapers/", "mate/")) for r in rows])
    for label, subset in (("blurred pairs", blurred), ("sharp pairs", ~blurred), ("wallpaper photographs", wallpaper)):
        pick = held & subset
        if not pick.any():
            print(f"  held-out {label:22s} none (their photographs all fell into the fit)")
            continue
        print(f"  held-out {label:22s} AUC {roc_auc(Z[pick] @ w + b, y[pick]):.3f}, "
              f"real ones with p > 0.7: {np.mean(p_held[subset[held] & (y[held] == 0)] > 0.7):.0%}")

    out = Path(args.out)
    weights = out / "spectral-detector.safetensors"
    sha = write_safetensors(weights, {"mean": mean, "scale": scale, "weight": w, "bias": [b],
                                      "calibration": calibration})
    write_manifest(out / "spectral-detector.json", name="spectral-detector", architecture="spectral-logistic",
                   config={"features": names, "weighed_families": families, "l2": l2, "training_images": len(rows),
                           "held_out_auc": round(roc_auc(logits, y[held]), 4)},
                   weights=weights, sha256=sha,
                   source="trained by models/detector/train_detector.py on real photographs of ../shared/data/train "
                          "and fakes made from them by models/detector/synthesize.py",
                   license="GPL-3.0-or-later",
                   attribution="Atelier developers; training photographs: BSDS300, Sun-Hays 80, Wikimedia Commons "
                               "(see models/detector/README.md)")

    # Golden vectors for tests/test-detector.c: held-out features, one of each class with some features set
    # aside and one with none, and the probabilities computed here in double precision.
    some = set_aside.any(1)
    picks = [int(np.flatnonzero(held & (y == c) & (some == k))[0]) for c in (0, 1) for k in (False, True)
             if np.any(held & (y == c) & (some == k))]
    Zp = standardise(X[picks], set_aside[picks], mean, scale)
    expected = sigmoid(calibration[0] * (Zp @ w + b) + calibration[1])
    write_safetensors(ROOT / "tests/golden/detector-golden.safetensors",
                      {"features": X[picks], "set_aside": set_aside[picks].astype(np.float32), "probability": expected})
    print(f"wrote {weights} (sha256 {sha[:12]}...) and tests/golden/detector-golden.safetensors")


if __name__ == "__main__":
    main()
