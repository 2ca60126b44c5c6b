# SPDX-License-Identifier: GPL-3.0-or-later
"""The detector's model as the engine reads it (standardisation, logistic weights, Platt calibration), how it is
fitted on a table of features, and its probabilities computed here as atelier-detector.c computes them."""
import zlib

import numpy as np

from models.detector.train_detector import feature_family, fit_logistic, sigmoid, standardise
from models.tools.safetensors_io import read_safetensors

# ATELIER_DETECT_WEAK_JPEG_QUALITY, ATELIER_DETECT_SOFT_DETAIL_LIMIT and the verdict bands of
# engine/pipelines/atelier-detect.{c,h}: a JPEG under this quality, and an image whose finest detail rises less
# than this above its pixels' rounding, have their probability held within the uncertain band.
WEAK_JPEG_QUALITY = 90
SOFT_DETAIL_LIMIT = 64.0
LIKELY_REAL, LIKELY_GENERATED = 0.3, 0.7
L2 = 0.03  # the committed model's choice (held-out log-loss on its own training pairs), fixed before measuring


def load(path):
    tensors = read_safetensors(path)
    return {k: np.asarray(v, float) for k, v in tensors.items()}


def logits(model, X, set_aside):
    return standardise(X, set_aside, model["mean"], model["scale"]) @ model["weight"] + model["bias"][0]


def probability(model, X, set_aside):
    a, b = model["calibration"]
    return sigmoid(a * logits(model, X, set_aside) + b)


def reported(p, jpeg_quality, detail_over_rounding, soft_limit=SOFT_DETAIL_LIMIT):
    """The probability as atelier_detect reports it: held within the uncertain band for a JPEG of a quality
    under WEAK_JPEG_QUALITY (0: not a JPEG) and for an image whose finest detail rises less than @soft_limit above
    its pixels' rounding (0: never rounded; NaN: a build that did not measure it)."""
    q = np.asarray(jpeg_quality)
    detail = np.asarray(detail_over_rounding, float)
    soft = (detail > 0) & (detail < soft_limit)
    weak = ((q > 0) & (q < WEAK_JPEG_QUALITY)) | soft
    return np.where(weak, np.clip(p, LIKELY_REAL, LIKELY_GENERATED), p)


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
