# SPDX-License-Identifier: GPL-3.0-or-later
"""The detector's model as the engine reads it (standardisation, logistic weights, Platt calibration), how it is
fitted on a table of features, and its probabilities computed here as atelier-detector.c computes them."""
import zlib

import numpy as np

from models.detector.train_detector import feature_family, fit_logistic, sigmoid, standardise
from models.tools.safetensors_io import read_safetensors

L2 = 0.03  # the committed model's choice (held-out log-loss on its own training pairs), fixed before measuring


def load(path):
    tensors = read_safetensors(path)
    return {k: np.asarray(v, float) for k, v in tensors.items()}


def logits(model, X, set_aside):
    return standardise(X, set_aside, model["mean"], model["scale"]) @ model["weight"] + model["bias"][0]


def probability(model, X, set_aside):
    a, b = model["calibration"]
    return sigmoid(a * logits(model, X, set_aside) + b)


def fit(X, set_aside, y, weights, groups, names, families, l2=L2):
    """Standardisation and logistic weights from four fifths of the groups (photographs, prompts), Platt
    calibration from the fifth left out, so that the probabilities are not those of images already fitted."""
    calibrating = np.array([zlib.crc32(f"calibration/{g}".encode()) % 5 == 0 for g in groups])
    fitting = ~calibrating
    kept = np.where(set_aside, np.nan, X)
    mean = np.nan_to_num(np.nanmean(kept[fitting], 0))
    scale = np.nan_to_num(np.nanstd(kept[fitting], 0)) + 1e-6
    Z = standardise(X, set_aside, mean, scale)
    weighed = np.array([feature_family(n) in families for n in names])
    w = np.zeros(len(names))
    w[weighed], b = fit_logistic(Z[fitting][:, weighed], y[fitting], l2, weights=weights[fitting])
    a_cal, b_cal = fit_logistic((Z[calibrating] @ w + b)[:, None], y[calibrating], 0.0, weights=weights[calibrating])
    return {"mean": mean, "scale": scale, "weight": w, "bias": np.array([b]),
            "calibration": np.array([a_cal[0], b_cal])}
