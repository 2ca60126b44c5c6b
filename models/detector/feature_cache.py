# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine's features of many files, computed once per build of `atelier`: a cache file per binary's
modification time, so that a rebuilt engine (changed features) recomputes them all and the caches of earlier
builds stay for comparison."""
import pickle
from pathlib import Path

import numpy as np

from models.detector.train_detector import extract_features


def features(atelier, files, cache_file):
    """{str(path): (features, set_aside)} and the feature names for @files."""
    stamp = Path(atelier).stat().st_mtime_ns
    cache_file = Path(cache_file).with_name(f"{Path(cache_file).stem}-{stamp}.pkl")
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
        table, names = extract_features(atelier, missing)
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
