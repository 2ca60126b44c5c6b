# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine's features of many files, computed once per build of `atelier` (and residual CNN): a cache file per
binary's modification time (and the CNN's weights file's sha256), so that a rebuilt engine (changed features)
recomputes them all and the caches of earlier builds stay for comparison."""
import hashlib
import json
import pickle
from pathlib import Path

import numpy as np

from models.detector.train_detector import extract_features


def cnn_weights_sha(cnn_model):
    """The first 12 hex digits of the sha256 of @cnn_model's weights file (beside its manifest), "" without one."""
    if not cnn_model:
        return ""
    weights = Path(cnn_model).parent / json.loads(Path(cnn_model).read_text())["weights"]
    return hashlib.sha256(weights.read_bytes()).hexdigest()[:12]


def features(atelier, files, cache_file, cnn_model=None):
    """{str(path): (features, set_aside)} and the feature names for @files; with @cnn_model (a model file holding
    the residual CNN's weights) the engine's CNN features follow the spectral ones."""
    stamp = Path(atelier).stat().st_mtime_ns
    cnn = cnn_weights_sha(cnn_model)
    cache_file = Path(cache_file).with_name(f"{Path(cache_file).stem}-{stamp}{'-cnn-' + cnn if cnn else ''}.pkl")
    cache = {"stamp": stamp, "names": None, "table": {}}
    if Path(cache_file).exists():
        with open(cache_file, "rb") as f:
            stored = pickle.load(f)
        if stored["stamp"] == stamp:
            cache = stored
    wanted = sorted({str(f) for f in files})
    missing = [f for f in wanted if f not in cache["table"]]
    if missing:
        print(f"computing the features of {len(missing)} files", flush=True)
        table, names = extract_features(atelier, missing, cnn_model=cnn_model)
        cache["table"].update(table)
        cache["names"] = names
        Path(cache_file).parent.mkdir(parents=True, exist_ok=True)
        with open(cache_file, "wb") as f:
            pickle.dump(cache, f)
    table = {f: cache["table"][f] for f in wanted}
    return table, cache["names"]


def with_extra_features(table, names, extra_file):
    """@table and @names with the features of @extra_file ({path: vector}, e.g. residual_cnn.py's) appended as
    the family "cnn", never set aside."""
    if extra_file is None:
        return table, names
    with open(extra_file, "rb") as f:
        extra = pickle.load(f)
    width = len(next(iter(extra.values())))
    joined = {path: (np.r_[entry[0], extra[path]], np.r_[entry[1], np.zeros(width, bool)], *entry[2:])
              for path, entry in table.items()}
    return joined, names + [f"cnn-{i:02d}" for i in range(width)]
